"""Sign-in lockouts behind the TLS proxy, the lockout e-mail, unlocking, and privacy headers."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core import mail

from kam.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # REMOTE_ADDR of every request that comes through the proxy


@pytest.fixture
def behind_proxy(settings):
    settings.KAM_TRUSTED_PROXY_COUNT = 1


def _sign_in(client, username: str, password: str, *, forwarded_for: str | None = None, remote: str = PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post("/login/", {"username": username, "password": password}, **extra)


def test_failures_from_one_address_lock_that_address_not_the_users_other_clients(
    client, sponsor, settings, behind_proxy
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, sponsor.username, "wrong", forwarded_for="203.0.113.7")

    attacker = _sign_in(client, sponsor.username, TEST_PASSWORD, forwarded_for="203.0.113.7")
    assert attacker.status_code == 429

    from_elsewhere = _sign_in(client, sponsor.username, TEST_PASSWORD, forwarded_for="198.51.100.20")
    assert from_elsewhere.status_code == 302
    assert from_elsewhere.url == "/"


def test_forged_forwarded_for_is_ignored_left_of_what_the_proxy_appended(client, sponsor, settings, behind_proxy):
    # The client sends its own X-Forwarded-For; the proxy appends the real address.
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, sponsor.username, "wrong", forwarded_for=f"192.0.2.{n}, 203.0.113.7")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    assert _sign_in(client, sponsor.username, TEST_PASSWORD, forwarded_for="203.0.113.7").status_code == 429


def test_one_address_trying_many_user_names_is_locked_out(client, sponsor, settings, behind_proxy):
    settings.AXES_IP_FAILURE_LIMIT = 20
    for n in range(30):
        _sign_in(client, f"guess{n}", "wrong", forwarded_for="203.0.113.7")

    locked = _sign_in(client, sponsor.username, TEST_PASSWORD, forwarded_for="203.0.113.7")
    assert locked.status_code == 429
    # Only the first 20 were counted: once locked, the address's attempts are refused unrecorded.
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 20

    from_elsewhere = _sign_in(client, sponsor.username, TEST_PASSWORD, forwarded_for="198.51.100.20")
    assert from_elsewhere.status_code == 302


def test_address_under_its_limit_still_signs_in(client, sponsor, settings, behind_proxy):
    settings.AXES_IP_FAILURE_LIMIT = 20
    for n in range(19):
        _sign_in(client, f"guess{n}", "wrong", forwarded_for="203.0.113.7")

    assert _sign_in(client, sponsor.username, TEST_PASSWORD, forwarded_for="203.0.113.7").status_code == 302


def test_signing_in_does_not_wipe_the_addresss_failures_over_other_user_names(client, sponsor, settings, behind_proxy):
    settings.AXES_IP_FAILURE_LIMIT = 20
    for n in range(15):
        _sign_in(client, f"guess{n}", "wrong", forwarded_for="203.0.113.7")
    assert _sign_in(client, sponsor.username, TEST_PASSWORD, forwarded_for="203.0.113.7").status_code == 302
    client.post("/logout/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")

    for n in range(15, 20):
        _sign_in(client, f"guess{n}", "wrong", forwarded_for="203.0.113.7")
    assert _sign_in(client, sponsor.username, TEST_PASSWORD, forwarded_for="203.0.113.7").status_code == 429


def test_without_the_proxy_setting_a_forged_forwarded_for_is_ignored(client, sponsor, settings):
    assert settings.KAM_TRUSTED_PROXY_COUNT == 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        # Each attempt claims another address; all come from the same connection.
        _sign_in(client, sponsor.username, "wrong", forwarded_for=f"192.0.2.{n}", remote="198.51.100.9")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.9"}
    locked = _sign_in(client, sponsor.username, TEST_PASSWORD, forwarded_for="192.0.2.200", remote="198.51.100.9")
    assert locked.status_code == 429


def test_locked_out_user_receives_one_email_saying_until_when_and_how_to_unlock(
    client, sponsor, settings, behind_proxy
):
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        _sign_in(client, sponsor.username, "wrong", forwarded_for="203.0.113.7")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [sponsor.email]
    assert "203.0.113.7" in message.body
    assert "paused until" in message.body
    assert "administrator can lift the pause" in message.body


def test_lockout_email_is_in_the_users_language(client, sponsor, settings, behind_proxy):
    sponsor.language = "fr"
    sponsor.save(update_fields=["language"])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, sponsor.username, "wrong", forwarded_for="203.0.113.7")

    assert len(mail.outbox) == 1
    assert "suspendue" in mail.outbox[0].body


def test_mail_server_down_still_shows_the_lockout_page(client, sponsor, settings, behind_proxy, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("kam.signin.send_mail", refuse)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        last = _sign_in(client, sponsor.username, "wrong", forwarded_for="203.0.113.7")

    assert last.status_code == 429
    assert "Too many failed sign-ins" in last.content.decode()


def test_address_locked_for_many_user_names_emails_none_of_them(client, settings, behind_proxy):
    settings.AXES_IP_FAILURE_LIMIT = 20
    users = UserFactory.create_batch(25)
    for user in users:
        _sign_in(client, user.username, "wrong", forwarded_for="203.0.113.7")

    assert mail.outbox == []


def test_administrator_sees_and_unlocks_a_lockout(client, sponsor, admin_user, settings, behind_proxy):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, sponsor.username, "wrong", forwarded_for="203.0.113.7")
    admin_client = client.__class__()
    admin_client.force_login(admin_user)

    listing = admin_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert sponsor.username in listing.content.decode()

    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    done = admin_client.post(
        "/admin/axes/accessattempt/", {"action": "unlock_selected", "_selected_action": ids}, follow=True
    )
    assert "failed sign-in forgotten" in done.content.decode()
    assert _sign_in(client, sponsor.username, TEST_PASSWORD, forwarded_for="203.0.113.7").status_code == 302


def test_administrator_unlocks_an_address_locked_for_many_user_names(
    client, sponsor, admin_user, settings, behind_proxy
):
    settings.AXES_IP_FAILURE_LIMIT = 20
    for n in range(20):
        _sign_in(client, f"guess{n}", "wrong", forwarded_for="203.0.113.7")
    admin_client = client.__class__()
    admin_client.force_login(admin_user)

    one = AccessAttempt.objects.first()
    admin_client.post("/admin/axes/accessattempt/", {"action": "unlock_addresses", "_selected_action": [one.pk]})

    assert not AccessAttempt.objects.exists()
    assert _sign_in(client, sponsor.username, TEST_PASSWORD, forwarded_for="203.0.113.7").status_code == 302


def test_other_roles_cannot_reach_the_lockouts(client, manager):
    client.force_login(manager)
    assert client.get("/admin/axes/accessattempt/").status_code == 302


def test_signed_in_pages_are_not_stored_by_caches(client, manager):
    client.force_login(manager)
    response = client.get("/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_exports_are_not_stored_by_caches(client, manager):
    client.force_login(manager)
    response = client.get("/accounts/export.csv")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_public_survey_pages_are_not_stored_by_caches(client):
    response = client.get("/s/not-a-real-token/")
    assert "no-store" in response["Cache-Control"]


def test_every_response_denies_powerful_browser_features(client):
    response = client.get("/login/")
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
