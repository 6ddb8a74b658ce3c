"""Sign-in, the layout each role sees, the language switch and the liveness probe."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kam.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_user_signs_in_and_sees_their_worklist(client, manager):
    response = client.post("/login/", {"username": manager.username, "password": TEST_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Welcome" in response.content.decode()


def test_wrong_password_keeps_username_and_explains(client, manager):
    response = client.post("/login/", {"username": manager.username, "password": "nope"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Please enter a correct username and password" in body
    assert f'value="{manager.username}"' in body


def test_repeated_failures_lock_out_then_cool_off(client, manager, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": manager.username, "password": "nope"})
    locked = client.post("/login/", {"username": manager.username, "password": TEST_PASSWORD})
    assert locked.status_code == 429
    assert "Try again in 15 minutes" in locked.content.decode()
    # The lockout is a cool-off, never permanent.
    assert settings.AXES_COOLOFF_TIME.total_seconds() > 0


def test_logout_needs_post_and_signs_out(client, manager):
    client.force_login(manager)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_change_form_keeps_user_signed_in(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
        follow=True,
    )
    assert "Your password was changed." in response.content.decode()
    manager.refresh_from_db()
    assert manager.check_password("a-new-long-passphrase")


def test_administrator_sees_administration_link_others_do_not(client, admin_user, manager):
    client.force_login(admin_user)
    assert 'href="/admin/"' in client.get("/").content.decode()
    client.force_login(manager)
    assert 'href="/admin/"' not in client.get("/").content.decode()


@pytest.mark.parametrize("role_fixture", ["manager", "sponsor", "contributor", "outsider"])
def test_only_administrators_enter_the_django_admin(client, request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    user.is_staff = True  # even a staff flag set by mistake does not open the admin
    user.save()
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_administrator_enters_the_django_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("query", ["x" * 100_000, "a\x00b"])
def test_an_admin_search_too_long_or_with_a_nul_is_refused_with_a_reason(client, admin_user, query):
    client.force_login(admin_user)
    response = client.get("/admin/kam/user/", {"q": query}, follow=True)
    assert response.status_code == 200
    assert "Search with at most 200 characters" in response.content.decode()


def test_language_switch_to_french_translates_the_page(client, manager):
    client.force_login(manager)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    body = client.get("/").content.decode()
    assert '<html lang="fr">' in body
    assert "Bienvenue" in body


def test_language_switch_works_before_login(client):
    client.post(reverse("set_language"), {"language": "fr", "next": "/login/"})
    assert "Se connecter" in client.get("/login/").content.decode()


def test_pages_forbid_inline_scripts_and_foreign_origins(client, manager):
    client.force_login(manager)
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "<script>" not in response.content.decode()


def test_healthz_answers_without_login_and_reports_services(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    payload = response.json()
    assert payload["database"] == "ok"
    assert "broker" in payload


def test_switching_language_also_sets_the_language_of_the_users_emails(client, manager):
    client.force_login(manager)
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.language == "fr"


def test_anonymous_visitor_can_still_switch_language(client):
    assert client.post("/i18n/setlang/", {"language": "fr", "next": "/login/"}).status_code == 302
