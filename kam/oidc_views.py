"""Sign-in pages: the password form (when local passwords are on) and single sign-on's two steps."""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from kam import oidc


class KamLoginView(auth_views.LoginView):
    """Django's sign-in page, with "Sign in with <provider>" when SSO is configured.

    With KAM_LOCAL_PASSWORDS off the password form is neither shown nor accepted.
    """

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = oidc.sso_enabled()
        context["sso_provider_name"] = oidc.provider_name()
        context["local_passwords"] = settings.KAM_LOCAL_PASSWORDS
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.KAM_LOCAL_PASSWORDS:
            messages.error(
                request, _("Sign-in with a password is off: sign in with %(name)s.") % {"name": oidc.provider_name()}
            )
            return redirect("login")
        return super().post(request, *args, **kwargs)


def _failed(request: HttpRequest, reason: str | None = None) -> HttpResponse:
    message = _("Sign-in with %(name)s failed.") % {"name": oidc.provider_name()}
    messages.error(request, f"{message} {reason}" if reason else message)
    return redirect("login")


class KamOIDCAuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider with a fresh state, nonce and PKCE challenge."""

    get_settings = staticmethod(oidc.oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads the endpoint here; KAM resolves it in get(), where a failure can be answered.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc.sso_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc.oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ImproperlyConfigured, ValueError, oidc.SSOError):
            return _failed(request, _("The identity provider cannot be reached; try again later."))
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class KamOIDCCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: checks state, then lets the backend check the rest."""

    get_settings = staticmethod(oidc.oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc.sso_enabled():
            raise Http404
        try:
            return super().get(request)
        except SuspiciousOperation:
            # A state this browser did not start (replayed, forged, or from another session).
            return _failed(request, _("The sign-in was not started from this browser; start again."))

    def login_failure(self) -> HttpResponse:
        reason = getattr(self.request, oidc.ERROR_ATTRIBUTE, None)
        user = getattr(self, "user", None)
        if reason is None and user is not None and not user.is_active:
            reason = _("Your KAM account is switched off.")
        return _failed(self.request, reason)

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        # The provider did the multi-factor check: no second KAM factor for this session (README).
        self.request.session[oidc.SSO_SESSION_KEY] = True
        return response
