"""Project-wide pages: the home worklist and the liveness probe."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Account
from kam.models import Notification


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    my_accounts = (
        Account.objects.visible_to(user)
        .filter(Q(owner=user) | Q(executive_sponsor=user) | Q(service_manager=user))
        .order_by("-is_key", F("last_year_revenue").desc(nulls_last=True))[:15]
    )
    return render(request, "kam/home.html", {"owned_accounts": my_accounts})


def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=request.user)[:200]
    return render(request, "kam/notifications.html", {"notifications": notifications})


@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (`id` posted) or all of the user's as read; only ever the user's own."""
    unread = Notification.objects.filter(user=request.user, read_at=None)
    if request.POST.get("id"):
        unread = unread.filter(pk=request.POST["id"]) if request.POST["id"].isdigit() else unread.none()
    unread.update(read_at=timezone.now())
    return redirect("notifications")


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
