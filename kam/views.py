"""Project-wide pages: the home worklist and the liveness probe."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import Account


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    my_accounts = (
        Account.objects.visible_to(user)
        .filter(Q(owner=user) | Q(executive_sponsor=user) | Q(service_manager=user))
        .order_by("-is_key", F("last_year_revenue").desc(nulls_last=True))[:15]
    )
    return render(request, "kam/home.html", {"owned_accounts": my_accounts})


def _broker_state() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not configured (tasks run eagerly)"
    from kam.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # any transport error means "down" for a probe
        return "unavailable"
    return "ok"


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers; the broker's state is reported, not required."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"database": "unavailable"}, status=503)
    return JsonResponse({"database": "ok", "broker": _broker_state()})
