"""The plan as a PDF for the customer or a board, rendered by WeasyPrint without any remote fetching."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.maps import map_roots
from kam.notifications import notifications_send
from kam.pdf import html_to_pdf
from kam.texts import text_ref
from plans import texts
from plans.charts import kpi_chart_svg
from plans.content import objective_rows, plan_sections, plan_with_content
from plans.models import AccountPlan, PdfStatus, PlanPdf

# Plans with more rows than this are rendered in a Celery task (about 2 s of layout at this size).
SYNC_ROW_LIMIT = 250


def plan_row_count(plan: AccountPlan) -> int:
    from plans.models import Action, Checkpoint

    return (
        plan.objectives.count()
        + Checkpoint.objects.filter(objective__plan=plan).count()
        + Action.objects.filter(plan=plan).count()
    )


def _map_context(plan: AccountPlan) -> dict:
    """The account's decision-maker map, as on /accounts/<pk>/map/ (people who left included, marked)."""
    return {"map_roots": map_roots(account=plan.account)}


def plan_pdf_html(*, plan: AccountPlan, language: str) -> str:
    plan = plan_with_content(AccountPlan.objects.filter(pk=plan.pk)).get()
    with translation.override(language):
        rows = objective_rows(plan.objectives.all())
        services = list(plan.unbilled_services.all())
        actions = list(plan.actions.all())
        context = {
            "plan": plan,
            "sections": plan_sections(lambda field: getattr(plan, field)),
            "objective_rows": rows,
            "chart": kpi_chart_svg(rows) if rows else "",
            "actions": actions,
            "resources": plan.resources.all(),
            "services": services,
            "services_total": sum(s.estimated_value for s in services),
            "version": plan.versions.order_by("-number").first(),
            "generated_at": timezone.localtime(),
            "currency": settings.KAM_CURRENCY,
            "language": language,
            **_map_context(plan),
        }
        return render_to_string("plans/plan_pdf.html", context)


def plan_pdf_render(*, plan: AccountPlan, language: str) -> bytes:
    return html_to_pdf(plan_pdf_html(plan=plan, language=language))


def plan_pdf_store(*, pdf: PlanPdf) -> PlanPdf:
    """Render a requested PDF, keep it for download and tell the requester it is ready."""
    try:
        pdf.data = plan_pdf_render(plan=pdf.plan, language=pdf.language)
        pdf.status = PdfStatus.READY
    except Exception:
        pdf.status = PdfStatus.FAILED
        pdf.save(update_fields=["status"])
        raise
    pdf.save(update_fields=["data", "status"])
    url = reverse("plans:pdf_status", args=[pdf.plan_id, pdf.pk])
    notifications_send(
        users=[pdf.requested_by],
        kind="plan_pdf_ready",
        message_for=lambda user: text_ref(texts.PLAN_PDF_READY, plan=pdf.plan.title_ref),
        url=url,
        dedupe_key=f"plan-pdf-{pdf.pk}-ready",
        email=False,
    )
    return pdf
