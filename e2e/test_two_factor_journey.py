"""An administrator sets up two-factor sign-in, keeps the recovery codes, and signs in with a code."""

from __future__ import annotations

import re
from base64 import b32encode

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from e2e.conftest import serious_violations, totp_code
from kam.roles import Role
from kam.tests.factories import TEST_PASSWORD, UserFactory


def test_administrator_enrols_keeps_recovery_codes_and_signs_in_with_a_code(page, axe, transactional_db):
    admin = UserFactory(username="e2e-new-admin", first_name="Ada", last_name="Admin", role=Role.ADMINISTRATOR)
    page.goto("/login/")
    page.get_by_label("Username").fill(admin.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # No device yet: the administrator lands on enrolment, and nothing else opens meanwhile.
    page.wait_for_url("**/account/two-factor/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    assert serious_violations(axe, page) == []
    page.goto("/scoring/criteria/")
    page.wait_for_url("**/account/two-factor/")

    # Scan-free: the secret shown as text is what an app would be given.
    secret = page.locator("#two-factor-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7 ]+", secret)
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert secret.replace(" ", "") == b32encode(device.bin_key).decode().rstrip("=")
    page.get_by_label("Code from the app").fill(totp_code(device))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator(".recovery-code")).to_have_count(10)
    assert serious_violations(axe, page) == []
    page.get_by_role("link", name="I have kept them, continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ada Admin")

    page.get_by_role("button", name="Ada Admin").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")

    page.get_by_label("Username").fill(admin.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/login/verify/**")
    assert serious_violations(axe, page) == []
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ada Admin")
    page.goto("/scoring/criteria/")
    expect(page).to_have_url(re.compile(r"/scoring/criteria/$"))
