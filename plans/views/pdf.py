"""The plan's PDF: small plans at once, large ones in a Celery task with a download link when ready."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language

from kam.outbox import outbox_enqueue
from plans.access import get_plan_for_user
from plans.models import AccountPlan, PdfAudience, PdfStatus, PlanPdf
from plans.pdf import SYNC_ROW_LIMIT, plan_pdf_render, plan_row_count

REUSE_PDF_FOR = timedelta(minutes=10)
# slugify drops en and em dashes (and the minus sign): "2027–2028" would become "20272028".
DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


def _pdf_response(plan: AccountPlan, data: bytes, audience: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    name = slugify(plan.title.translate(DASHES)) or f"plan-{plan.pk}"
    if audience == PdfAudience.INTERNAL:
        name += "-internal"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """?version=internal for everything, stamped "Internal"; anything else gets the customer version (safe)."""
    plan = get_plan_for_user(request, pk)
    language = get_language()
    internal = request.GET.get("version") == PdfAudience.INTERNAL
    audience = PdfAudience.INTERNAL if internal else PdfAudience.CUSTOMER
    if plan_row_count(plan) <= SYNC_ROW_LIMIT:
        return _pdf_response(plan, plan_pdf_render(plan=plan, language=language, audience=audience), audience)
    # Repeated clicks wait for the document being prepared instead of queueing more work.
    recent = PlanPdf.objects.filter(
        plan=plan,
        requested_by=request.user,
        language=language,
        audience=audience,
        status=PdfStatus.PENDING,
        created_at__gte=timezone.now() - REUSE_PDF_FOR,
    ).defer("data")
    pdf = recent.order_by("-created_at").first()
    if pdf is None:
        # Through the outbox: with the broker down the document waits and is made when it is back.
        with transaction.atomic():
            pdf = PlanPdf.objects.create(plan=plan, requested_by=request.user, language=language, audience=audience)
            outbox_enqueue(task="plans.tasks.plan_pdf_task", args=[pdf.pk], key=f"plans.pdf:{pdf.pk}")
    return redirect("plans:pdf_status", pk=plan.pk, pdf_pk=pdf.pk)


def _own_pdf(request: HttpRequest, pk: int, pdf_pk: int) -> PlanPdf:
    plan = get_plan_for_user(request, pk)
    pdf = get_object_or_404(PlanPdf.objects.defer("data"), plan=plan, pk=pdf_pk)
    if pdf.requested_by_id != request.user.pk:
        raise PermissionDenied
    return pdf


def plan_pdf_status(request: HttpRequest, pk: int, pdf_pk: int) -> HttpResponse:
    pdf = _own_pdf(request, pk, pdf_pk)
    template = "plans/_pdf_status.html" if request.htmx else "plans/pdf_status.html"
    return render(request, template, {"pdf": pdf, "plan": pdf.plan, "ready": pdf.status == PdfStatus.READY})


def plan_pdf_download(request: HttpRequest, pk: int, pdf_pk: int) -> HttpResponse:
    pdf = _own_pdf(request, pk, pdf_pk)
    if pdf.status != PdfStatus.READY:
        return redirect("plans:pdf_status", pk=pk, pdf_pk=pdf_pk)
    data = bytes(PlanPdf.objects.values_list("data", flat=True).get(pk=pdf.pk))
    return _pdf_response(pdf.plan, data, pdf.audience)
