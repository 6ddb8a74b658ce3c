"""Single sign-on through OpenID Connect, against a real provider running on 127.0.0.1 for the test."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.test import Client

from kam.models import User
from kam.oidc import SSO_SESSION_KEY
from kam.roles import Role
from kam.tests.factories import TEST_PASSWORD, UserFactory
from kam.tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, LocalProvider

pytestmark = pytest.mark.django_db

CRITERIA = "/scoring/criteria/"


@pytest.fixture
def provider():
    running = LocalProvider().start()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def sso(settings, provider):
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_ISSUER = provider.issuer
    settings.OIDC_PROVIDER_NAME = "Test IdP"
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = []
    settings.OIDC_GROUP_ROLES = {}
    settings.KAM_TWO_FACTOR_ENFORCED = True


def _start(client, next_url: str = "") -> str:
    """Our redirect to the provider; returns the provider's answer (our callback with code and state)."""
    response = client.get("/login/sso/" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    at_provider = requests.get(response.url, allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    callback = urlparse(at_provider.headers["Location"])
    assert callback.path == "/login/sso/callback/"
    return f"{callback.path}?{callback.query}"


def _signed_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.filter(pk=user_id).first() if user_id else None


def _error(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_login_page_offers_sign_in_with_the_provider_next_to_the_password(client):
    page = client.get("/login/").content.decode()
    assert "Sign in with Test IdP" in page
    assert 'name="password"' in page


def test_login_page_has_no_sso_button_when_sso_is_not_configured(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert "Sign in with" not in client.get("/login/").content.decode()
    assert client.get("/login/sso/").status_code == 404
    assert client.get("/login/sso/callback/?code=x&state=y").status_code == 404


def test_authorisation_request_carries_state_nonce_and_an_s256_pkce_challenge(client, provider):
    response = client.get("/login/sso/")
    query = parse_qs(urlparse(response.url).query)
    assert response.url.startswith(f"{provider.issuer}/authorize?")
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == ["http://testserver/login/sso/callback/"]
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"][0]


def test_first_sign_in_creates_a_contributor_without_password_and_lands_on_next(client, provider):
    response = client.get(_start(client, next_url="/accounts/"))

    assert response.status_code == 302
    assert response.url == "/accounts/"
    user = User.objects.get(email="new.person@example.com")
    assert _signed_in_user(client) == user
    assert user.role_names == frozenset({Role.CONTRIBUTOR})
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("New", "Person")
    # The token request proved PKCE: the provider checked the verifier against the challenge.
    assert provider.token_requests[-1]["code_verifier"]
    assert client.get("/accounts/").status_code == 200


def test_existing_user_is_matched_by_email_whatever_its_case(client, provider, manager):
    provider.claims = {"email": manager.email.upper()}
    client.get(_start(client))
    assert _signed_in_user(client) == manager
    assert User.objects.filter(email__iexact=manager.email).count() == 1
    assert manager.role_names == frozenset({Role.KEY_ACCOUNT_MANAGER})


def test_administrator_signed_in_through_the_provider_owes_no_kam_second_factor(client, provider, admin_user):
    provider.claims = {"email": admin_user.email}
    client.get(_start(client))
    assert _signed_in_user(client) == admin_user
    assert client.session[SSO_SESSION_KEY] is True
    assert client.get(CRITERIA).status_code == 200


def test_administrator_with_a_password_still_owes_the_second_factor(client, admin_user):
    client.post("/login/", {"username": admin_user.username, "password": TEST_PASSWORD})
    assert client.get(CRITERIA).url == "/account/two-factor/"


def test_group_mapping_gives_roles_but_never_administrator(client, provider, settings):
    settings.OIDC_GROUP_ROLES = {"kam-admins": Role.ADMINISTRATOR, "kam-sales": Role.KEY_ACCOUNT_MANAGER}
    provider.claims = {"groups": ["kam-admins", "kam-sales"]}
    client.get(_start(client))
    user = _signed_in_user(client)
    assert user is not None
    assert user.role_names == frozenset({Role.KEY_ACCOUNT_MANAGER})
    assert not user.is_administrator and not user.is_staff and not user.is_superuser


def test_group_mapping_follows_the_provider_at_each_sign_in_and_keeps_administrators(client, provider, settings):
    settings.OIDC_GROUP_ROLES = {"kam-sales": Role.KEY_ACCOUNT_MANAGER, "kam-board": Role.EXECUTIVE_SPONSOR}
    user = UserFactory(username="both", role=Role.ADMINISTRATOR)
    user.groups.add(Group.objects.get(name=Role.KEY_ACCOUNT_MANAGER))
    provider.claims = {"email": user.email, "groups": ["kam-board"]}
    client.get(_start(client))
    user.refresh_from_db()
    assert user.role_names == frozenset({Role.ADMINISTRATOR, Role.EXECUTIVE_SPONSOR})


@pytest.mark.parametrize(
    ("tamper", "why"),
    [
        ({"nonce": "not-the-one-we-sent"}, "nonce"),
        ({"foreign_key": True}, "signature"),
        ({"aud": "another-client"}, "audience"),
        ({"aud": [CLIENT_ID, "another-client"]}, "several audiences, no azp"),
        ({"iss": "http://evil.example"}, "issuer"),
        ({"expired": True}, "expired"),
    ],
)
def test_a_token_that_fails_a_check_signs_no_one_in(client, provider, tamper, why):
    provider.tamper = tamper
    response = client.get(_start(client))
    assert response.status_code == 302 and response.url == "/login/", why
    assert _signed_in_user(client) is None, why
    assert "could not be checked" in _error(response), why
    assert not User.objects.filter(email="new.person@example.com").exists(), why


def test_a_callback_with_another_state_is_refused(client):
    callback = _start(client)
    forged = callback.replace("state=", "state=x")
    response = client.get(forged)
    assert response.url == "/login/"
    assert "not started from this browser" in _error(response)
    assert _signed_in_user(client) is None


def test_a_callback_replayed_in_another_browser_is_refused(client):
    callback = _start(client)
    other = Client()
    other.get("/login/")
    response = other.get(callback)
    assert response.url == "/login/"
    assert other.session.get("_auth_user_id") is None


def test_a_callback_used_twice_signs_in_once(client):
    callback = _start(client)
    client.get(callback)
    client.post("/logout/")
    response = client.get(callback)
    assert response.url == "/login/"
    assert _signed_in_user(client) is None


def test_an_unverified_email_is_refused(client, provider):
    provider.claims = {"email_verified": False}
    response = client.get(_start(client))
    assert _signed_in_user(client) is None
    assert "not verified your e-mail address" in _error(response)
    assert not User.objects.filter(email="new.person@example.com").exists()


def test_an_unverified_email_does_not_take_over_an_existing_user(client, provider, manager):
    provider.claims = {"email": manager.email, "email_verified": "false"}
    client.get(_start(client))
    assert _signed_in_user(client) is None


def test_an_address_outside_the_allowed_domains_is_refused(client, provider, settings):
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = ["kam.example"]
    response = client.get(_start(client))
    assert _signed_in_user(client) is None
    assert "domain may not sign in" in _error(response)

    provider.claims = {"email": "someone@KAM.example"}
    client.get(_start(client))
    assert _signed_in_user(client).email == "someone@kam.example"


def test_a_switched_off_user_is_refused(client, provider, manager):
    manager.is_active = False
    manager.save()
    provider.claims = {"email": manager.email}
    response = client.get(_start(client))
    assert _signed_in_user(client) is None
    assert "switched off" in _error(response)


def test_two_users_with_the_address_are_refused_rather_than_guessed(client, provider):
    UserFactory(username="a", email="twin@example.com")
    UserFactory(username="b", email="TWIN@example.com")
    provider.claims = {"email": "twin@example.com"}
    response = client.get(_start(client))
    assert _signed_in_user(client) is None
    assert "Several KAM users" in _error(response)


def test_a_failed_sso_sign_in_counts_towards_the_address_lockout(client, provider):
    provider.tamper = {"foreign_key": True}
    client.get(_start(client))
    assert AccessAttempt.objects.filter(ip_address="127.0.0.1").exists()


def test_an_unreachable_provider_gives_a_message_not_an_error(client, settings):
    settings.OIDC_OP_ISSUER = "http://127.0.0.1:9"
    response = client.get("/login/sso/")
    assert response.url == "/login/"
    assert "cannot be reached" in _error(response)


def test_without_local_passwords_the_password_form_is_gone_and_refused(client, settings, manager):
    settings.KAM_LOCAL_PASSWORDS = False
    settings.AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "kam.oidc.KamOIDCBackend"]
    page = client.get("/login/").content.decode()
    assert "Sign in with Test IdP" in page
    assert 'name="password"' not in page

    response = client.post("/login/", {"username": manager.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert _signed_in_user(client) is None
    assert "password is off" in _error(response)
    # Nor through the admin's own sign-in form.
    client.post("/admin/login/", {"username": manager.username, "password": TEST_PASSWORD})
    assert _signed_in_user(client) is None

    provider_callback = _start(client)
    client.get(provider_callback)
    assert _signed_in_user(client) is not None
