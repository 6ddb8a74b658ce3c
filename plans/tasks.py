"""Background work of the plans app: thin tasks that re-fetch what they need and call one service."""

from __future__ import annotations

from celery import shared_task

from plans.models import PlanPdf
from plans.pdf import plan_pdf_store


@shared_task(acks_late=True)
def plan_pdf_task(pdf_id: int) -> str | None:
    pdf = PlanPdf.objects.filter(pk=pdf_id).select_related("plan", "requested_by").first()
    if pdf is None or pdf.status != "pending":
        return None  # idempotent: a redelivered task does nothing twice
    return plan_pdf_store(pdf=pdf).status


@shared_task(acks_late=True)
def review_escalation_task() -> int:
    """Daily: flag reviews overdue beyond REVIEW_ESCALATION_DAYS to the sponsors (once per missed date)."""
    from plans.review_services import reviews_escalate

    return reviews_escalate()


@shared_task(acks_late=True)
def plan_activation_task() -> int:
    """Daily: approved plans whose start date has come become active (idempotent)."""
    from plans.review_services import plans_activate

    return plans_activate()
