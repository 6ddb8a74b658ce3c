"""Two-factor pages: the code after the password, enrolment, recovery codes, turning it off."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from kam import two_factor
from kam.forms import TwoFactorCodeForm, TwoFactorConfirmForm

FAILURES_SESSION_KEY = "kam_two_factor_failures"


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


def _verified(request: HttpRequest, device) -> None:
    # A new session key once the second factor is given, as Django does after the password.
    request.session.cycle_key()
    otp_login(request, device)
    request.session.pop(FAILURES_SESSION_KEY, None)


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second sign-in step: a code from the app or a recovery code."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified() or not two_factor.two_factor_enrolled(user=user):
        return redirect(next_url)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, throttled = two_factor.two_factor_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            _verified(request, device)
            return redirect(next_url)
        if throttled:
            form.add_error("code", _("Too many wrong codes in a row: wait a few seconds, then try again."))
        else:
            # A wrong code is a failed sign-in: django-axes counts it towards the lockout.
            user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)
            failures = request.session.get(FAILURES_SESSION_KEY, 0) + 1
            if failures >= settings.KAM_TWO_FACTOR_MAX_TRIES:
                logout(request)
                messages.error(request, _("Too many wrong codes: sign in again with your password."))
                return redirect("login")
            request.session[FAILURES_SESSION_KEY] = failures
            form.add_error("code", _("This code is not valid. Check the time on your phone, or use a recovery code."))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrolment (QR code, secret as text, a first code to confirm), or, once enrolled, its management."""
    user = request.user
    if two_factor.two_factor_enrolled(user=user):
        if not user.is_verified():
            return redirect(f"{reverse('two_factor_verify')}?next={reverse('two_factor_setup')}")
        return render(
            request,
            "kam/two_factor_manage.html",
            {"remaining": two_factor.recovery_codes_remaining(user=user), "can_remove": not user.is_administrator},
        )
    device = two_factor.totp_device_pending(user=user)
    form = TwoFactorConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.totp_device_confirm(device=device, code=form.cleaned_data["code"]):
            _verified(request, device)
            codes = two_factor.recovery_codes_generate(user=user)
            messages.success(request, _("Two-factor sign-in is on."))
            return render(request, "kam/two_factor_recovery_codes.html", {"codes": codes})
        form.add_error("code", _("This code is not valid. Check the time on your phone and type the code shown now."))
    context = {
        "form": form,
        "qr_svg": two_factor.totp_qr_svg(device=device),
        "secret": two_factor.totp_secret(device=device),
        "required": user.is_administrator,
    }
    return render(request, "kam/two_factor_setup.html", context)


def _verified_enrolled_user(request: HttpRequest):
    user = request.user
    if not (two_factor.two_factor_enrolled(user=user) and user.is_verified()):
        raise PermissionDenied
    return user


@never_cache
@require_POST
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, the earlier ones no longer valid; shown once."""
    user = _verified_enrolled_user(request)
    codes = two_factor.recovery_codes_generate(user=user)
    return render(request, "kam/two_factor_recovery_codes.html", {"codes": codes})


@require_POST
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off; administrators cannot (it is required of them)."""
    user = _verified_enrolled_user(request)
    if user.is_administrator:
        raise PermissionDenied
    two_factor.two_factor_remove(user=user)
    messages.success(request, _("Two-factor sign-in is off: you sign in with your password alone."))
    return redirect("preferences")
