"""Two-factor sign-in: a TOTP authenticator app, with single-use recovery codes.

django-otp keeps the devices (a TOTPDevice for the app, a StaticDevice holding the
recovery codes) and marks a session verified (`django_otp.login`); this module
decides what a code is and who must give one. The sign-in itself stays Django's
LoginView: after the password, kam.middleware.TwoFactorMiddleware confines a user
who must give a code to the verify page (or, for an administrator without a
device, to enrolment) until the session is verified.
"""

from __future__ import annotations

from base64 import b32decode, b32encode

import segno
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kam.models import User

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"


def code_normalise(code: str) -> str:
    """What the user typed, as stored: spaces and dashes people copy along removed, lower case."""
    return "".join(code.split()).replace("-", "").lower()


def totp_device_confirmed(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_enrolled(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The device being enrolled: the same secret until confirmed, so reloading the page keeps the QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def totp_secret(*, device: TOTPDevice) -> str:
    """The secret as authenticator apps take it typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_key_from_secret(secret: str) -> str:
    """The hex key django-otp stores, from a base32 secret (used for the demo's documented secret)."""
    return b32decode(secret.replace(" ", "").upper()).hex()


def totp_qr_svg(*, device: TOTPDevice) -> str:
    """The enrolment QR code as inline SVG markup: drawn here, no script and no outside service."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2, omitsize=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, code: str) -> bool:
    """Confirm an enrolment with a first code from the app; other pending devices of the user go."""
    if not device.verify_token(code_normalise(code)):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return True


@transaction.atomic
def recovery_codes_generate(*, user: User) -> list[str]:
    """A new set of recovery codes, replacing any earlier one; shown once, each usable once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_remaining(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_verify(*, user: User, code: str) -> tuple[Device | None, bool]:
    """Check a sign-in code: six digits from the app, or else a recovery code (used up by this).

    Returns (the device that accepted it or None, whether the device refused to look
    because of recent failures: django-otp doubles the wait after each wrong code).
    """
    code = code_normalise(code)
    if code.isdigit() and len(code) == 6:
        device = totp_device_confirmed(user=user)
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return None, False
    allowed, _reason = device.verify_is_allowed()
    if not allowed:
        return None, True
    return (device if device.verify_token(code) else None), False


@transaction.atomic
def two_factor_remove(*, user: User) -> None:
    """Turn two-factor sign-in off for a user: the app and the recovery codes both stop working."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def two_factor_reset(*, users) -> int:
    """An administrator's reset (lost phone): the users enrol again; returns how many had it on."""
    count = TOTPDevice.objects.filter(user__in=users, confirmed=True).values("user").distinct().count()
    TOTPDevice.objects.filter(user__in=users).delete()
    StaticDevice.objects.filter(user__in=users).delete()
    return count
