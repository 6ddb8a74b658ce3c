"""The cross-app pages: the home worklist and the executive dashboard (on screen and as a PDF)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import Account
from portfolio.access import require_reader
from portfolio.filters import DashboardFilter
from portfolio.services import dashboard_build
from portfolio.worklist import worklist_for
from sharing.cards import shared_plans_read


def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's worklist: what is due, what waits for their decision, what changed."""
    user = request.user
    my_accounts = (
        Account.objects.visible_to(user)
        .filter(Q(owner=user) | Q(executive_sponsor=user) | Q(service_manager=user))
        .order_by("-is_key", F("last_year_revenue").desc(nulls_last=True))[:15]
    )
    context = {"owned_accounts": my_accounts, "worklist": worklist_for(user=user)}
    return render(request, "portfolio/home.html", context)


def _dashboard_context(request: HttpRequest) -> dict:
    require_reader(request)
    accounts = Account.objects.visible_to(request.user)
    filtered = DashboardFilter(request.GET or None, queryset=accounts, user=request.user)
    if filtered.is_valid():
        accounts = filtered.qs
    board = dashboard_build(accounts=accounts, user=request.user)
    return {
        "filter": filtered,
        "board": board,
        "query": request.GET.urlencode(),
        "currency": settings.KAM_CURRENCY,
        "shared_plans": shared_plans_read(accounts=accounts),
    }


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "portfolio/dashboard.html", _dashboard_context(request))


def dashboard_pdf(request: HttpRequest) -> HttpResponse:
    """The headline figures and every chart's table, for a board pack (charts need a browser to draw)."""
    from portfolio.pdf import dashboard_pdf_render

    context = _dashboard_context(request)
    data = dashboard_pdf_render(context=context, language=get_language())
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="kam-dashboard-{timezone.localdate().isoformat()}.pdf"'
    return response
