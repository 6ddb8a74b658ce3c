"""Background PDFs of large plans: thin task that re-fetches the request and calls the renderer."""

from __future__ import annotations

from celery import shared_task

from plans.models import PlanPdf
from plans.services import plan_pdf_store


@shared_task(acks_late=True)
def plan_pdf_task(pdf_id: int) -> str | None:
    pdf = PlanPdf.objects.filter(pk=pdf_id).select_related("plan", "requested_by").first()
    if pdf is None or pdf.status != "pending":
        return None  # idempotent: a redelivered task does nothing twice
    return plan_pdf_store(pdf=pdf).status
