"""Scoring pages: criteria and thresholds (administrators), runs and their migrations (everyone)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.financial_year import financial_year_in_use
from accounts.models import FinancialYearSetting, Segment, Tier
from accounts.services import financials_refresh
from kam.outbox import outbox_publish_failed
from scoring.access import can_edit_model, get_run_for_user, require_reader
from scoring.filters import RunScoreFilter
from scoring.forms import CriterionFormSet, FinancialYearForm, SegmentationSettingsForm
from scoring.history import scoring_model_changes
from scoring.models import AccountScore, Criterion, RunStatus, SegmentationRun, SegmentationSettings
from scoring.services import RunRefused, segmentation_run_queue


def criteria(request: HttpRequest) -> HttpResponse:
    require_reader(request)
    can_edit = can_edit_model(request.user)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    formset = CriterionFormSet(request.POST or None, queryset=Criterion.objects.all(), prefix="criteria")
    settings_form = SegmentationSettingsForm(request.POST or None, instance=SegmentationSettings.load())
    year_form = FinancialYearForm(request.POST or None, instance=FinancialYearSetting.load(), prefix="year")
    forms_valid = formset.is_valid() and settings_form.is_valid() and year_form.is_valid()
    if request.method == "POST" and forms_valid:
        with transaction.atomic():
            formset.save()
            settings_form.save()
            if year_form.has_changed():
                year_form.save()
                financials_refresh()  # the register's revenue columns follow the year at once
        messages.success(request, _("Scoring model saved. It applies from the next run."))
        return redirect("scoring:criteria")
    active = list(Criterion.objects.filter(is_active=True))
    total = sum(c.weight for c in active) or 1
    shares = [(c, round(100 * c.weight / total, 1)) for c in active]
    context = {
        "formset": formset,
        "settings_form": settings_form,
        "year_form": year_form,
        "financial_year": financial_year_in_use(),
        "can_edit": can_edit,
        "shares": shares,
        # Administrators audit the scoring model; None hides the list from everyone else.
        "changes": scoring_model_changes() if request.user.is_administrator else None,
    }
    return render(request, "scoring/criteria.html", context)


def run_list(request: HttpRequest) -> HttpResponse:
    require_reader(request)
    runs = SegmentationRun.objects.select_related("requested_by")[:50]
    return render(request, "scoring/run_list.html", {"runs": runs, "can_run": can_edit_model(request.user)})


@require_POST
def run_now(request: HttpRequest) -> HttpResponse:
    if not can_edit_model(request.user):
        raise PermissionDenied
    try:
        run = segmentation_run_queue(by=request.user)
    except RunRefused as refused:
        if refused.run is None:
            messages.error(request, refused.message)
            return redirect("scoring:runs")
        link = format_html('<a href="{}">{}</a>', refused.run.get_absolute_url(), _("See the run under way"))
        messages.error(request, format_html("{} {}", refused.message, link))
        return redirect(refused.run)
    if outbox_publish_failed(key=run.outbox_key):
        messages.warning(request, _("Segmentation queued: it will start when the task service is back."))
    else:
        messages.success(request, _("Segmentation started."))
    return redirect(run)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


NOT_SCORED_LISTED = 200


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request, pk)
    scores = AccountScore.objects.filter(run=run).select_related("account").order_by(F("rank").asc(nulls_last=True))
    moved = scores.exclude(was_key__isnull=True).exclude(was_key=F("is_key"))
    segment_moves = scores.exclude(previous_segment="").exclude(previous_segment=F("segment"))
    filtered = RunScoreFilter(request.GET, queryset=scores)
    page = Paginator(filtered.qs if filtered.is_valid() else scores.none(), 50).get_page(request.GET.get("page"))
    summary = run.summary or {}
    criteria = (run.config or {}).get("criteria", [])
    not_scored = list(scores.filter(scored=False).order_by("account__name")[:NOT_SCORED_LISTED])
    for score in not_scored:
        score.missing_list = score.missing_names(criteria)
    context = {
        "run": run,
        "thresholds": (run.config or {}).get("thresholds", {}),
        "financial_year": (run.config or {}).get("financial_year"),
        "not_scored": not_scored,
        "not_scored_count": summary.get("not_scored", 0),
        "queued": run.status == RunStatus.PENDING and outbox_publish_failed(key=run.outbox_key),
        "segment_counts": [(Segment(k).label, v) for k, v in summary.get("segments", {}).items()],
        "tier_counts": [(Tier(k).label, v) for k, v in summary.get("tiers", {}).items()],
        "key_changes": moved[:200],
        "segment_moves": segment_moves.count(),
        "page": page,
        "filter": filtered,
        "query": _query_without_page(request),
    }
    return render(request, "scoring/run_detail.html", context)
