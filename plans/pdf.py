"""The plan as a PDF, rendered by WeasyPrint without any remote fetching, in two versions.

The customer version is the one handed over: it leaves out what we think of their people (attitudes),
whom we cover (coverage), who left, and any internal comment. The internal version prints everything and
says "Internal" in the margin of every page.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.maps import MapNode, map_roots
from kam.notifications import notifications_send
from kam.pdf import html_to_pdf
from kam.texts import text_ref
from plans import texts
from plans.charts import kpi_chart_svg
from plans.content import objective_rows, plan_sections, plan_with_content
from plans.models import AccountPlan, PdfAudience, PdfStatus, PlanPdf
from plans.progress import LINE_RULE_TEXT

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


def present_only(roots: list[MapNode]) -> list[MapNode]:
    """The map without the people who left: whoever reported to them moves up to their manager's level."""

    def keep(nodes: list[MapNode]) -> list[MapNode]:
        kept: list[MapNode] = []
        stack = list(reversed(nodes))
        while stack:
            node = stack.pop()
            if node.contact.is_active:
                kept.append(MapNode(node.contact, keep(node.children)))
            else:
                stack.extend(reversed(node.children))
        return kept

    return keep(roots)


def _map_context(plan: AccountPlan, audience: str) -> dict:
    """The account's decision-maker map, as on /accounts/<pk>/map/ (internal), or its people only (customer)."""
    roots = map_roots(account=plan.account)
    return {"map_roots": roots if audience == PdfAudience.INTERNAL else present_only(roots)}


def plan_pdf_html(*, plan: AccountPlan, language: str, audience: str = PdfAudience.CUSTOMER) -> str:
    """The plan as HTML for WeasyPrint; the internal version adds what is for our side only (open risks)."""
    internal = audience == PdfAudience.INTERNAL
    plan = plan_with_content(AccountPlan.objects.filter(pk=plan.pk)).get()
    with translation.override(language):
        rows = objective_rows(plan.objectives.all())
        services = list(plan.unbilled_services.all())
        actions = list(plan.actions.all())
        context = {
            "plan": plan,
            "sections": plan_sections(lambda field: getattr(plan, field)),
            "objective_rows": rows,
            "line_rule_text": LINE_RULE_TEXT if any(row["line"] for row in rows) else "",
            "chart": kpi_chart_svg(rows) if rows else "",
            "actions": actions,
            "resources": plan.resources.all(),
            "services": services,
            "services_total": sum(s.estimated_value for s in services),
            "version": plan.versions.order_by("-number").first(),
            "generated_at": timezone.localtime(),
            "currency": settings.KAM_CURRENCY,
            "language": language,
            "internal": internal,
            **_map_context(plan, audience),
            "internal_sections": _internal_sections(plan) if internal else [],
        }
        return render_to_string("plans/plan_pdf.html", context)


def plan_pdf_render(*, plan: AccountPlan, language: str, audience: str = PdfAudience.CUSTOMER) -> bytes:
    return html_to_pdf(plan_pdf_html(plan=plan, language=language, audience=audience))


def plan_pdf_store(*, pdf: PlanPdf) -> PlanPdf:
    """Render a requested PDF, keep it for download and tell the requester it is ready."""
    try:
        pdf.data = plan_pdf_render(plan=pdf.plan, language=pdf.language, audience=pdf.audience)
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
