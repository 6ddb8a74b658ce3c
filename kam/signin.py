"""Sign-in lockouts: who the client is behind the proxy, two limits, and telling the user.

django-axes does the counting; this module decides what counts. A failure is
recorded per (user name, address). Two limits apply, each on its own count:

- AXES_FAILURE_LIMIT failures for one user name from one address lock that pair,
  so an attacker cannot lock the user out of their other clients;
- AXES_IP_FAILURE_LIMIT failures from one address, across all user names, lock
  the address, so spraying passwords over many user names is stopped too.
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import datetime

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from kam.models import User

logger = logging.getLogger(__name__)


def client_ip_address(request: HttpRequest) -> str | None:
    """The client's address: from X-Forwarded-For only when a trusted proxy sets it.

    Behind the proxy, REMOTE_ADDR is the proxy's, shared by every client. Each
    trusted proxy appends the address it received from, so with N trusted proxies
    the client is the N-th entry from the right; anything further left was sent by
    the client and may be forged. Without BEHIND_TLS_PROXY the header is ignored.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.KAM_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
    if len(entries) < count:
        return remote  # the request did not come through the configured proxies
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _failures(**lookup: str | None) -> int:
    return AccessAttempt.objects.filter(**lookup).aggregate(total=Sum("failures_since_start"))["total"] or 0


class KamAxesHandler(AxesDatabaseHandler):
    """Axes' database handler with a per-pair limit and a larger per-address limit."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        # Axes compares this number with one limit (AXES_FAILURE_LIMIT); an address over
        # its own limit is reported as at that limit, so both limits lock.
        threshold = get_cool_off_threshold(request)
        ip_address = request.axes_ip_address
        if _failures(ip_address=ip_address, attempt_time__gte=threshold) >= settings.AXES_IP_FAILURE_LIMIT:
            return settings.AXES_FAILURE_LIMIT
        username = get_client_username(request, credentials)
        return _failures(username=username, ip_address=ip_address, attempt_time__gte=threshold)

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        # Signing in clears this user's failures from this address only: an attacker
        # holding one valid account must not wipe the address's count by signing in.
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        was_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or was_locked or not getattr(request, "axes_locked_out", False):
            return
        username = get_client_username(request, credentials)
        threshold = get_cool_off_threshold(request)
        pair = _failures(username=username, ip_address=request.axes_ip_address, attempt_time__gte=threshold)
        # Only the pair's lockout is the user's: an address locked for spraying
        # many user names concerns the address, not each user it tried.
        if pair >= settings.AXES_FAILURE_LIMIT:
            lockout_email_send(
                username=username,
                ip_address=request.axes_ip_address or "",
                until=timezone.now() + settings.AXES_COOLOFF_TIME,
            )


def lockout_email_send(*, username: str | None, ip_address: str, until: datetime) -> bool:
    """Tell the user, in their language, that sign-in from an address is paused and until when."""
    user = User.objects.filter(username=username, is_active=True).exclude(email="").first()
    if user is None:
        return False
    with translation.override(user.language or settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        when = formats.date_format(timezone.localtime(until), "DATETIME_FORMAT")
        subject = _("KAM: sign-in to your account paused")
        body = _(
            "Hello %(name)s,\n\n"
            "Too many wrong passwords were entered for your KAM account (%(username)s) "
            "from the address %(ip)s, so signing in from that address is paused until %(when)s.\n\n"
            "Signing in from your other devices and addresses still works.\n"
            "If this was not you, change your password once signed in. "
            "An administrator can lift the pause before then "
            "(administration, Access attempts, select the attempts, action 'Unlock').\n\n"
            "%(site)s\n"
        ) % {"name": str(user), "username": user.username, "ip": ip_address, "when": when, "site": settings.SITE_URL}
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])
    except Exception:
        # A mail server down must not turn the sign-in page into an error; the lockout stands.
        logger.exception("Could not e-mail the sign-in lockout to user %s", user.pk)
        return False
    return True
