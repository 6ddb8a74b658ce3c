"""The plan as a PDF for the customer or a board, rendered by WeasyPrint without any remote fetching."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.maps import map_roots
from kam.notifications import notifications_send
from kam.pdf import html_to_pdf
from plans.charts import kpi_chart_svg
from plans.content import objective_rows, plan_sections, plan_with_content
from plans.models import AccountPlan, PdfStatus, PlanPdf

# Plans with more rows than this are rendered in a Celery task (about 2 s of layout at this size).
SYNC_ROW_LIMIT = 250

# Sections only the internal version of the PDF shows (never the customer's): (template, "module:build").
# Higher apps register theirs from ready(); build(plan=) returns the section's context, or None to leave it out.
INTERNAL_SECTIONS: list[tuple[str, str]] = []


def register_internal_pdf_section(*, template: str, build: str) -> None:
    if (template, build) not in INTERNAL_SECTIONS:
        INTERNAL_SECTIONS.append((template, build))


def _internal_sections(plan: AccountPlan) -> list[dict]:
    from importlib import import_module

    sections = []
    for template, build in INTERNAL_SECTIONS:
        module, function = build.split(":")
        context = getattr(import_module(module), function)(plan=plan)
        if context is not None:
            sections.append({"template": template, "context": context})
    return sections


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


def plan_pdf_html(*, plan: AccountPlan, language: str, internal: bool = True) -> str:
    """The plan as HTML for WeasyPrint; `internal` adds the sections meant for our side only (open risks)."""
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
            "internal": internal,
            "internal_sections": _internal_sections(plan) if internal else [],
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
        message_for=lambda user: gettext("The PDF of “%(plan)s” is ready to download.") % {"plan": pdf.plan.title},
        url=url,
        dedupe_key=f"plan-pdf-{pdf.pk}-ready",
        email=False,
    )
    return pdf
