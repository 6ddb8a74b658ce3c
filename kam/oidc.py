"""Single sign-on through the company's OpenID Connect provider, on top of mozilla-django-oidc.

The library runs the authorisation code flow (state, nonce and PKCE kept in the
session, the code exchanged for tokens, the id_token's signature checked against
the provider's JWKS). This module adds what KAM needs and the library leaves out:

- the provider's endpoints from its discovery document (cached), unless set one by one;
- the id_token's issuer, audience and expiry checked (the library checks neither
  issuer nor audience, and lets an expired token escape as a server error);
- a user matched by a *verified* e-mail address of an allowed domain, or created
  with the lowest role (contributor) — never an administrator automatically;
- optionally, roles from a group claim of the provider (never the administrator role);
- every failure turned into "no user" with a reason for the sign-in page, so django-axes
  counts it like a wrong password.

A session signed in this way owes no second factor here: the provider does MFA (README).
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from kam.models import User
from kam.roles import Role

logger = logging.getLogger(__name__)

BACKEND_PATH = "kam.oidc.KamOIDCBackend"
# Set in the session of a user signed in through the provider: the provider gave the second factor.
SSO_SESSION_KEY = "kam_signed_in_with_sso"
# Why the last attempt failed, for the sign-in page (set on the request by the backend).
ERROR_ATTRIBUTE = "kam_oidc_error"
DISCOVERY_CACHE_KEY = "kam:oidc:discovery"
DISCOVERY_CACHE_SECONDS = 60 * 60
# Endpoint settings and their names in the discovery document.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_ISSUER": "issuer",
}
# Seconds of clock difference tolerated between us and the provider.
CLOCK_LEEWAY = 60


class SSOError(Exception):
    """A refusal with a reason the user may read."""


def sso_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def provider_name() -> str:
    return settings.OIDC_PROVIDER_NAME


def _discovery() -> dict[str, Any]:
    url = settings.OIDC_OP_DISCOVERY_URL
    if not url and settings.OIDC_OP_ISSUER:
        url = settings.OIDC_OP_ISSUER.rstrip("/") + "/.well-known/openid-configuration"
    if not url:
        return {}
    document = cache.get(DISCOVERY_CACHE_KEY)
    if document is None or document.get("_url") != url:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
        if not isinstance(document, dict):
            raise SSOError(_("The identity provider's configuration could not be read."))
        document["_url"] = url
        cache.set(DISCOVERY_CACHE_KEY, document, DISCOVERY_CACHE_SECONDS)
    return document


def oidc_setting(attr: str, *default: Any) -> Any:
    """A setting for mozilla-django-oidc: an endpoint set explicitly wins over the discovery document's."""
    if attr in ENDPOINTS:
        value = getattr(settings, attr, "")
        if not value:
            value = _discovery().get(ENDPOINTS[attr], "")
        if not value and attr != "OIDC_OP_USER_ENDPOINT":
            raise ImproperlyConfigured(f"{attr} is not set and the provider's discovery document has none.")
        return value
    return import_from_settings(attr, *default)


def _claim_true(value: Any) -> bool:
    # Most providers send a JSON boolean; some send the string "true".
    return value is True or (isinstance(value, str) and value.lower() == "true")


def claims_check(claims: dict[str, Any]) -> str:
    """The e-mail address the claims prove, lower-cased, or SSOError saying why they prove none."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise SSOError(_("The identity provider sent no e-mail address."))
    if not _claim_true(claims.get(settings.OIDC_EMAIL_VERIFIED_CLAIM)):
        raise SSOError(_("The identity provider has not verified your e-mail address."))
    email = email.strip().lower()
    domains = [d.lower().lstrip("@") for d in settings.OIDC_ALLOWED_EMAIL_DOMAINS]
    if domains and email.rsplit("@", 1)[1] not in domains:
        raise SSOError(_("Addresses of this domain may not sign in to KAM."))
    return email


def roles_from_claims(claims: dict[str, Any]) -> set[str] | None:
    """The roles the provider's groups give, or None when no mapping is configured.

    The administrator role is never given from a claim: administrators are named in KAM.
    """
    mapping: dict[str, str] = settings.OIDC_GROUP_ROLES
    if not mapping:
        return None
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    allowed = {r.value for r in Role} - {Role.ADMINISTRATOR.value}
    roles = {mapping[g] for g in groups if isinstance(g, str) and mapping.get(g) in allowed}
    return roles or {Role.CONTRIBUTOR.value}


def _unique_username(email: str) -> str:
    base = email[:140]
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


@transaction.atomic
def sso_user_create(*, email: str, claims: dict[str, Any]) -> User:
    """A new user from the provider's claims, with the lowest role (or the mapped ones), and no password."""
    user = User(
        username=_unique_username(email),
        email=email,
        first_name=str(claims.get("given_name") or "")[:150],
        last_name=str(claims.get("family_name") or "")[:150],
    )
    user.set_unusable_password()
    user.save()
    roles = roles_from_claims(claims) or {Role.CONTRIBUTOR.value}
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


@transaction.atomic
def sso_user_roles_sync(*, user: User, claims: dict[str, Any]) -> None:
    """With a group mapping, the user's non-administrator roles follow the provider's groups at each sign-in."""
    roles = roles_from_claims(claims)
    if roles is None:
        return
    managed = {r.value for r in Role} - {Role.ADMINISTRATOR.value}
    current = set(user.groups.filter(name__in=managed).values_list("name", flat=True))
    if current - roles:
        user.groups.remove(*Group.objects.filter(name__in=current - roles))
    if roles - current:
        user.groups.add(*Group.objects.filter(name__in=roles - current))


class KamOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with KAM's checks; answers only the callback of a sign-in it started."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads every endpoint here; KAM resolves them only when a sign-in needs them,
        # so the backend can sit in AUTHENTICATION_BACKENDS whether or not SSO is configured.
        self.UserModel = User
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if request is None or not sso_enabled() or not kwargs.get("nonce"):
            return None
        try:
            self.OIDC_OP_TOKEN_ENDPOINT = oidc_setting("OIDC_OP_TOKEN_ENDPOINT")
            self.OIDC_OP_JWKS_ENDPOINT = oidc_setting("OIDC_OP_JWKS_ENDPOINT")
            self.OIDC_OP_USER_ENDPOINT = oidc_setting("OIDC_OP_USER_ENDPOINT")
            return super().authenticate(request, **kwargs)
        except SSOError as exc:
            reason = str(exc)
        except (SuspiciousOperation, requests.RequestException, ImproperlyConfigured, ValueError, KeyError) as exc:
            logger.warning("Single sign-on refused: %s", exc)
            reason = _("The identity provider's answer could not be checked.")
        setattr(request, ERROR_ATTRIBUTE, reason)
        return None

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The id_token is not signed with the expected algorithm.")
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=oidc_setting("OIDC_OP_ISSUER"),
                leeway=CLOCK_LEEWAY,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"id_token refused: {exc}") from exc
        # Several audiences: the token must have been issued to us (OpenID Connect Core 3.1.3.7).
        audiences = claims.get("aud")
        if isinstance(audiences, list) and len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("id_token refused: azp is not this client.")
        return claims

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        # The claims of the id_token, whose signature, issuer and audience were checked; the
        # userinfo endpoint (unsigned) is not needed when the provider puts e-mail and groups there.
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        claims["email"] = claims_check(claims)
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]):
        return User.objects.filter(email__iexact=claims["email"])

    def create_user(self, claims: dict[str, Any]) -> User:
        return sso_user_create(email=claims["email"], claims=claims)

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        sso_user_roles_sync(user=user, claims=claims)
        return user

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User | None:
        try:
            return super().get_or_create_user(access_token, id_token, payload)
        except SuspiciousOperation as exc:
            # Two KAM users share the address: picking one would be a guess.
            raise SSOError(_("Several KAM users have this e-mail address; ask an administrator.")) from exc
