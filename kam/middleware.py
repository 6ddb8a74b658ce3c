"""Response headers that keep private pages out of caches and features off; the two-factor confinement."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers


class PrivacyHeadersMiddleware:
    """Adds Permissions-Policy everywhere and `Cache-Control: no-store` to private responses.

    Private: anything served to a signed-in user (pages and exports alike) and the
    tokenised public survey pages, whose URL is the secret. A shared or back-button
    cache must not keep them. Static files and anonymous pages (sign-in) stay cacheable
    unless their view says otherwise.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.KAM_PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(settings.KAM_PRIVATE_PATH_PREFIXES):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response


class TwoFactorMiddleware:
    """Keeps a signed-in user who owes a second factor on the two-factor pages until they give it.

    A user with an authenticator app is sent to the verify page; an administrator
    without one (two-factor sign-in is required of them) to enrolment. /admin/ is
    no exception. Open meanwhile: signing out, the language switch, static files,
    the liveness probe and the public survey pages. The check is a whitelist on
    the verified session (django-otp's), so a new way of signing in cannot skip it.
    Users without an app and no administrator role sign in with their password alone.
    A session signed in through the company's identity provider (kam.oidc) owes nothing:
    the provider does the multi-factor check (README, single sign-on).
    """

    OPEN_PREFIXES = ("/s/", "/p/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.KAM_TWO_FACTOR_ENFORCED:
            response = self._confine(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _confine(self, request: HttpRequest) -> HttpResponse | None:
        from kam.oidc import SSO_SESSION_KEY
        from kam.two_factor import two_factor_enrolled

        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.session.get(SSO_SESSION_KEY):
            return None  # signed in through the identity provider, which did the multi-factor check
        path = request.path
        open_paths = {reverse(name) for name in ("logout", "two_factor_verify", "two_factor_setup", "set_language")}
        if path in open_paths or path.startswith((settings.STATIC_URL, *self.OPEN_PREFIXES)):
            return None
        if two_factor_enrolled(user=user):
            return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
        if user.is_administrator:
            return redirect("two_factor_setup")
        return None
