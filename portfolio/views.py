"""The cross-app pages: the home worklist and the executive dashboard (on screen and as a PDF)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Account
from kam.models import User
from kam.stamp import CSRF_SLOT, stamped_html
from plans.access import get_approvable_plan
from plans.services import PlanRefused, plan_approve
from portfolio.access import require_reader
from portfolio.filters import DashboardFilter
from portfolio.mywork import my_work_build
from portfolio.services import DashboardPage, dashboard_html_read, dashboard_page_build
from portfolio.worklist import HOME_WITHIN_DAYS, Unread, unread_for, worklist_for, your_accounts

# Where the unread survey alerts and notifications go in the worklist's HTML: they are read live (the data stamp
# does not track notifications), the rest may come from the cache. Markup of our own template: a user's text is
# escaped there and cannot spell these.
ALERTS_SLOT = mark_safe("<!--kam:worklist-alerts-->")
NOTIFICATIONS_SLOT = mark_safe("<!--kam:worklist-notifications-->")


def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's worklist: what is due, what waits for their decision, what changed."""
    user = request.user
    unread = unread_for(user)
    # The reader and their roles (what they may see and decide), and whether the "nothing is due" line may show.
    about = f"{user.pk}|{sorted(user.role_names)}|{user.is_superuser}|{user.is_active}|{bool(unread)}"
    html = stamped_html(
        name="worklist",
        about=about,
        render=lambda _stamp: _worklist_render(user, has_unread=bool(unread)),
        request=request,
    )
    context = {"worklist_html": _unread_fill(request, html, unread), "unread_notifications": unread.total}
    return render(request, "portfolio/home.html", context)  # the badge's count is known: not counted again


def _worklist_render(user: User, *, has_unread: bool) -> str:
    """The worklist but its unread cards, as cached: forms take the reader's CSRF field after the cache read."""
    context = {
        "worklist": worklist_for(user=user, within_days=HOME_WITHIN_DAYS),
        "owned_accounts": your_accounts(user),
        "has_unread": has_unread,
        "my_work_url": reverse("my_work"),
        "csrf_input": CSRF_SLOT,
        "alerts_slot": ALERTS_SLOT,
        "notifications_slot": NOTIFICATIONS_SLOT,
    }
    return render_to_string("portfolio/_worklist.html", context)


def _unread_fill(request: HttpRequest, html: str, unread: Unread) -> SafeString:
    """The worklist with its live cards in their slots (each rendered only when it has something to show)."""
    cards = {
        ALERTS_SLOT: {"survey_alerts": unread.survey_alerts} if unread.survey_alerts else None,
        NOTIFICATIONS_SLOT: {"notifications": unread.notifications} if unread.notifications else None,
    }
    for slot, context in cards.items():
        card = render_to_string("portfolio/_worklist_unread.html", context, request) if context else ""
        html = html.replace(slot, card, 1)
    return mark_safe(html)  # noqa: S308 - our own templates' output, escaped there


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
        # Approving read the notice that asked for it: the menu's count and the worklist's unread card follow.
        unread = unread_for(request.user)
        context = {"plan": plan, "error": error, "unread_notifications": unread.total, "unread": unread}
        return render(request, "portfolio/_plan_decision.html", context)
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
