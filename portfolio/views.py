"""The cross-app pages: the home worklist and the executive dashboard (on screen and as a PDF)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Account
from plans.access import get_approvable_plan
from plans.services import PlanRefused, plan_approve
from portfolio.access import require_reader
from portfolio.filters import DashboardFilter
from portfolio.mywork import my_work_build
from portfolio.services import DashboardPage, dashboard_html_read, dashboard_page_build
from portfolio.worklist import HOME_WITHIN_DAYS, worklist_for


def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's worklist: what is due, what waits for their decision, what changed."""
    user = request.user
    my_accounts = (
        Account.objects.visible_to(user)
        .filter(Q(owner=user) | Q(executive_sponsor=user) | Q(service_manager=user))
        .order_by("-is_key", F("last_year_revenue").desc(nulls_last=True))[:15]
    )
    context = {"owned_accounts": my_accounts, "worklist": worklist_for(user=user, within_days=HOME_WITHIN_DAYS)}
    return render(request, "portfolio/home.html", context)


@require_POST
def worklist_plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve a submitted plan from the worklist: only its sponsor or an administrator, never one who wrote it."""
    plan = get_approvable_plan(request, pk)  # 404 for an outsider, 403 for anyone who may not approve it
    error = ""
    try:
        plan_approve(plan=plan, by=request.user)
    except (PlanRefused, IntegrityError) as refused:
        error = getattr(refused, "message", _("Another plan of this account is in the way."))
    if request.htmx:
        return render(request, "portfolio/_plan_decision.html", {"plan": plan, "error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Plan approved: this version is frozen and stays readable."))
    return redirect("home")


def my_work(request: HttpRequest) -> HttpResponse:
    """Everything that is the user's to do, whatever its date, filtered by when it is due, plan and account."""
    return render(request, "portfolio/my_work.html", {"work": my_work_build(user=request.user, params=request.GET)})


def _dashboard_filtered(request: HttpRequest) -> tuple[DashboardFilter, QuerySet[Account], str]:
    """The filter form, the accounts it selects among those the reader sees, and the filters applied as text."""
    require_reader(request)
    accounts = Account.objects.visible_to(request.user)
    filtered = DashboardFilter(request.GET or None, queryset=accounts, user=request.user)
    applied: list[tuple[str, str]] = []  # invalid filters are ignored: they must not make a cache entry of their own
    if filtered.is_valid():
        accounts = filtered.qs
        applied = sorted((name, str(getattr(value, "pk", value))) for name, value in filtered.form.cleaned_data.items())
    return filtered, accounts, repr(applied)


def _board_context(page: DashboardPage) -> dict:
    return {
        "board": page.board,
        "currency": settings.KAM_CURRENCY,
        "shared_plans": page.shared_plans,
        "whitespace": page.whitespace,
    }


def _dashboard_context(request: HttpRequest) -> dict:
    filtered, accounts, _applied = _dashboard_filtered(request)
    page = dashboard_page_build(accounts=accounts, user=request.user)
    return {"filter": filtered, "query": request.GET.urlencode(), **_board_context(page)}


def dashboard(request: HttpRequest) -> HttpResponse:
    filtered, accounts, applied = _dashboard_filtered(request)
    board_html = dashboard_html_read(
        accounts=accounts,
        user=request.user,
        filters=applied,
        render=lambda page: render_to_string("portfolio/_dashboard_board.html", _board_context(page), request),
    )
    context = {"filter": filtered, "query": request.GET.urlencode(), "board_html": board_html}
    return render(request, "portfolio/dashboard.html", context)


def dashboard_pdf(request: HttpRequest) -> HttpResponse:
    """The headline figures and every chart's table, for a board pack (charts need a browser to draw)."""
    from portfolio.pdf import dashboard_pdf_render

    context = _dashboard_context(request)
    data = dashboard_pdf_render(context=context, language=get_language())
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="kam-dashboard-{timezone.localdate().isoformat()}.pdf"'
    return response
