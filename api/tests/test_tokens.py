from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import AccountFactory
from api.models import ApiToken
from api.tokens import token_create, token_revoke

pytestmark = pytest.mark.django_db


def test_only_the_hash_of_a_token_is_stored(manager):
    row, token = token_create(user=manager, name="CRM sync", scope="read")
    assert token.startswith(f"kam_{row.prefix}_")
    assert token not in row.secret_hash and len(row.secret_hash) == 64
    assert not ApiToken.objects.filter(secret_hash__contains=token[-20:]).exists()


def test_a_token_reads_as_its_user(api_as, contributor):
    AccountFactory(name="Acme")
    response = api_as(contributor, "read").get("/api/v1/accounts/")
    assert response.status_code == 200
    assert [a["name"] for a in response.json()["results"]] == ["Acme"]
    assert ApiToken.objects.get(user=contributor).last_used_at is not None


def test_no_token_or_a_wrong_one_gets_401_without_a_redirect_to_login(manager):
    assert APIClient().get("/api/v1/accounts/").status_code == 401
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer kam_00000000_nope")
    response = client.get("/api/v1/accounts/")
    assert response.status_code == 401
    assert response.json()["detail"] == "This token is unknown, expired or revoked."


def test_revoked_and_expired_tokens_are_refused(manager):
    row, token = token_create(user=manager, name="old", scope="read")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/accounts/").status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/accounts/").status_code == 401
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() + timedelta(days=1))
    token_revoke(token=row, by=manager)
    assert client.get("/api/v1/accounts/").status_code == 401


def test_a_read_token_may_not_write(api_as, manager):
    response = api_as(manager, "read").post("/api/v1/accounts/", {"name": "New"}, format="json")
    assert response.status_code == 403
    assert "read only" in response.json()["detail"]


def test_throttle_counts_requests_per_token(api_as, manager, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "token": "3/minute"}
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        client, other = api_as(manager, "read"), api_as(manager, "write")
        codes = [client.get("/api/v1/accounts/").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert other.get("/api/v1/accounts/").status_code == 200
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original


def test_tokens_page_shows_the_secret_once_and_revokes(client, manager, admin_user):
    client.force_login(manager)
    response = client.post("/api/tokens/", {"name": "Sheet", "scope": "read", "days": 30})
    token = response.context["new_token"]
    assert token and token in response.content.decode()
    assert token not in client.get("/api/tokens/").content.decode()
    row = ApiToken.objects.get(user=manager)
    # An administrator sees it and revokes it; another manager cannot.
    client.force_login(admin_user)
    assert "Sheet" in client.get("/api/tokens/").content.decode()
    assert client.post(f"/api/tokens/{row.pk}/revoke/").status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None and row.revoked_by == admin_user


def test_a_manager_cannot_revoke_a_colleagues_token(client, manager, other_manager):
    row, _token = token_create(user=other_manager, name="theirs", scope="read")
    client.force_login(manager)
    assert client.post(f"/api/tokens/{row.pk}/revoke/").status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None
