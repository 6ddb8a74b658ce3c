"""Creating, checking and revoking personal API tokens.

A token reads `kam_<prefix>_<secret>`: the prefix (public, unique) finds the row, and only the
SHA-256 of the whole token is stored, so a database leak gives no usable token. The secret has 256
bits of randomness, which is why a plain hash (no slow KDF) is enough.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken, TokenScope
from kam.models import User

TOKEN_PREFIX = "kam_"  # noqa: S105  not a secret: the public start of every token
# Days a new token lasts unless its owner chooses otherwise; a year at most.
DEFAULT_DAYS = 90
MAX_DAYS = 365
# last_used_at is written at most this often per token, so reads do not each cost a write.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(*, user: User, name: str, scope: str, days: int = DEFAULT_DAYS) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the row and the token, which is shown once and never stored."""
    name = " ".join(name.split())
    if not name:
        raise TokenRefused(_("Give the token a name, so you know later what uses it."))
    if scope not in TokenScope.values:
        raise TokenRefused(_("Choose read only, or read and write."))
    if not 1 <= days <= MAX_DAYS:
        raise TokenRefused(_("A token lasts between 1 and %(max)s days.") % {"max": MAX_DAYS})
    if not user.has_any_role():
        raise TokenRefused(_("You have no role in KAM, so a token could read nothing."))
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiToken.objects.create(
        user=user,
        name=name[:100],
        scope=scope,
        prefix=prefix,
        secret_hash=_hash(token),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return row, token


def token_check(*, token: str) -> ApiToken | None:
    """The usable token this string is, or None (unknown, wrong secret, expired, revoked, user disabled)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    prefix, _sep, rest = token[len(TOKEN_PREFIX) :].partition("_")
    if not prefix or not rest:
        return None
    row = ApiToken.objects.usable().select_related("user").filter(prefix=prefix).first()
    if row is None or not hmac.compare_digest(row.secret_hash, _hash(token)):
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row


def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a token: its owner, or an administrator. Revoking twice keeps the first date."""
    if token.user_id != by.pk and not by.is_administrator:
        raise TokenRefused(_("You may revoke only your own tokens."))
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now(), revoked_by=by)
    token.refresh_from_db()
    return token
