"""Two-factor sign-in: required of administrators, optional for the others, codes refused and throttled."""

from __future__ import annotations

import re
import time

import pytest
from axes.models import AccessAttempt
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kam.roles import Role
from kam.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CRITERIA = "/scoring/criteria/"


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.KAM_TWO_FACTOR_ENFORCED = True


def _code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def _password(client, user):
    response = client.post("/login/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response


def _enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def test_administrator_without_a_device_is_sent_to_enrol_before_anything_else(client, admin_user):
    _password(client, admin_user)

    for path in ("/", CRITERIA, "/admin/", "/preferences/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == "/account/two-factor/", path
    assert client.get("/healthz").status_code in (200, 503)
    assert client.post("/logout/").status_code == 302


def test_enrolment_shows_the_secret_and_confirms_with_a_code_then_shows_ten_recovery_codes(client, admin_user):
    _password(client, admin_user)
    page = client.get("/account/two-factor/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    assert re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', page.content.decode())
    # Reloading keeps the same secret, so the app the user already set up still matches.
    client.get("/account/two-factor/")
    assert TOTPDevice.objects.filter(user=admin_user).count() == 1

    wrong = client.post("/account/two-factor/", {"code": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "This code is not valid" in wrong.content.decode()
    assert client.get(CRITERIA).status_code == 302

    device.refresh_from_db()
    device.throttle_reset()
    done = client.post("/account/two-factor/", {"code": _code(device)})
    assert done.status_code == 200
    codes = re.findall(r'<li class="recovery-code">(\w+)</li>', done.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=admin_user).confirmed
    assert client.get(CRITERIA).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_administrator_with_a_device_must_give_a_code_before_any_page(client, admin_user):
    device = _enrolled(admin_user)
    _password(client, admin_user)

    admin_page = client.get("/admin/")
    assert admin_page.status_code == 302
    assert admin_page.url == "/login/verify/?next=%2Fadmin%2F"
    assert client.get(CRITERIA).status_code == 302
    # Enrolling again (a new secret) is no way round the code.
    assert client.get("/account/two-factor/").url.startswith("/login/verify/")

    response = client.post("/login/verify/", {"code": _code(device), "next": "/admin/"})
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get(CRITERIA).status_code == 200


def test_a_recovery_code_signs_in_once(client, manager):
    _enrolled(manager)
    _password(client, manager)
    client.post("/account/two-factor/")  # not verified yet: sent to verify, nothing generated
    assert not StaticToken.objects.exists()

    from kam.two_factor import recovery_codes_generate

    code = recovery_codes_generate(user=manager)[0]
    assert client.post("/login/verify/", {"code": code.upper()}).url == "/"
    assert client.get("/").status_code == 200

    client.post("/logout/")
    _password(client, manager)
    again = client.post("/login/verify/", {"code": code})
    assert again.status_code == 200
    assert "This code is not valid" in again.content.decode()
    assert client.get("/").status_code == 302


def test_wrong_codes_are_refused_throttled_and_counted_as_failed_sign_ins(client, admin_user):
    device = _enrolled(admin_user)
    _password(client, admin_user)
    right = _code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    refused = client.post("/login/verify/", {"code": wrong})
    assert "This code is not valid" in refused.content.decode()
    assert AccessAttempt.objects.filter(username=admin_user.username).exists()

    # Right after a wrong code, even the right one waits: guessing cannot go at full speed.
    throttled = client.post("/login/verify/", {"code": right})
    assert "wait a few seconds" in throttled.content.decode()
    assert client.get(CRITERIA).status_code == 302


def test_five_wrong_codes_sign_the_session_out_back_to_the_password(client, admin_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no waiting between tries, to reach the limit at once
    settings.AXES_FAILURE_LIMIT = 100
    device = _enrolled(admin_user)
    _password(client, admin_user)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"

    for _ in range(settings.KAM_TWO_FACTOR_MAX_TRIES - 1):
        assert client.post("/login/verify/", {"code": wrong}).status_code == 200
    last = client.post("/login/verify/", {"code": wrong})

    assert last.status_code == 302
    assert last.url == "/login/"
    assert client.get("/").url.startswith("/login/")
    assert client.post("/login/verify/", {"code": _code(device)}).url.startswith("/login/")


def test_user_without_two_factor_signs_in_with_the_password_alone(client, manager):
    assert _password(client, manager).url == "/"
    assert client.get("/").status_code == 200
    assert client.get("/preferences/").status_code == 200


def test_user_who_enrolled_must_give_a_code_then_may_turn_it_off(client, manager):
    client.post("/login/", {"username": manager.username, "password": TEST_PASSWORD})
    client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=manager)
    client.post("/account/two-factor/", {"code": _code(device)})
    client.post("/logout/")

    _password(client, manager)
    assert client.get("/").url == "/login/verify/?next=%2F"
    assert client.post("/login/verify/", {"code": _code(device, steps_ahead=1)}).url == "/"
    assert "Two-factor sign-in is on" in client.get("/account/two-factor/").content.decode()

    off = client.post("/account/two-factor/remove/")
    assert off.url == "/preferences/"
    assert not TOTPDevice.objects.filter(user=manager).exists()
    client.post("/logout/")
    _password(client, manager)
    assert client.get("/").status_code == 200


def test_administrators_cannot_turn_it_off_but_can_reset_another_user(client, admin_user, manager):
    device = _enrolled(admin_user)
    _enrolled(manager)
    _password(client, admin_user)
    client.post("/login/verify/", {"code": _code(device)})

    assert client.post("/account/two-factor/remove/").status_code == 403
    assert TOTPDevice.objects.filter(user=admin_user).exists()

    response = client.post(
        "/admin/kam/user/", {"action": "two_factor_reset_selected", "_selected_action": [manager.pk]}, follow=True
    )
    assert "Two-factor sign-in reset for 1 user." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert TOTPDevice.objects.filter(user=admin_user).exists()


def test_public_survey_pages_stay_open_to_an_unverified_administrator(client):
    admin = UserFactory(username="pending-admin", role=Role.ADMINISTRATOR)
    _password(client, admin)
    assert client.get("/s/not-a-token/").status_code != 302


def test_demo_administrator_is_enrolled_with_the_documented_secret_once(admin_user):
    from kam.demo import DEMO_ADMIN_TOTP_SECRET, seed_admin_two_factor
    from kam.two_factor import totp_secret

    seed_admin_two_factor(user=admin_user)
    seed_admin_two_factor(user=admin_user)

    device = TOTPDevice.objects.get(user=admin_user)
    assert device.confirmed
    assert totp_secret(device=device).replace(" ", "") == DEMO_ADMIN_TOTP_SECRET
