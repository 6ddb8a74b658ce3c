"""Project-wide pages: preferences, notifications, the language switch and the liveness probe."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from kam.forms import PreferencesForm
from kam.ids import parse_id
from kam.models import Notification, User
from kam.two_factor import two_factor_enrolled


def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Preferences saved."))
        return redirect("preferences")
    context = {"form": form, "two_factor_on": two_factor_enrolled(user=request.user)}
    return render(request, "kam/preferences.html", context)


def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=request.user)[:200]
    return render(request, "kam/notifications.html", {"notifications": notifications})


@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (`id` posted) or all of the user's as read; only ever the user's own."""
    unread = Notification.objects.filter(user=request.user, read_at=None)
    if request.POST.get("id"):
        pk = parse_id(request.POST["id"])
        unread = unread.filter(pk=pk) if pk is not None else unread.none()
    unread.update(read_at=timezone.now())
    return redirect("notifications")


@login_not_required
@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's set_language, remembered on the user too, so e-mails and notifications follow the choice."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response


BROKER_STATE_CACHE_KEY = "kam:healthz:broker"
BROKER_PROBE_TIMEOUT = 0.08  # seconds: a probe must leave /healthz well inside a load balancer's deadline


def _broker_probe(url: str) -> str:
    """One quick look at the broker: connect and PING, no retries, each step bounded by BROKER_PROBE_TIMEOUT."""
    try:
        if url.startswith(("redis://", "rediss://")):
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            client = redis.Redis.from_url(
                url,
                socket_connect_timeout=BROKER_PROBE_TIMEOUT,
                socket_timeout=BROKER_PROBE_TIMEOUT,
                retry=Retry(NoBackoff(), 0),
            )
            try:
                client.ping()
            finally:
                client.close()
        else:
            from kombu import Connection

            with Connection(url, connect_timeout=BROKER_PROBE_TIMEOUT) as conn:
                conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_PROBE_TIMEOUT)
    except Exception:  # any transport error means "down" for a probe
        return "unavailable"
    return "ok"


def _broker_state() -> str:
    """The broker's state from a short check, cached a few seconds: a dead broker never slows the probe down."""
    if not settings.CELERY_BROKER_URL:
        return "not configured (tasks run eagerly)"
    state = cache.get(BROKER_STATE_CACHE_KEY)
    if state is None:
        state = _broker_probe(settings.CELERY_BROKER_URL)
        cache.set(BROKER_STATE_CACHE_KEY, state, settings.HEALTHZ_BROKER_CACHE_SECONDS)
    return state


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
