"""Browser fixtures: Debian's Chromium driven by Playwright against Django's live server."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from kam.tests.factories import TEST_PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make (creating users) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's Chromium by default; `CHROMIUM_PATH=` (empty) uses the browser `playwright install` fetched.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent.name == "e2e":
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if CHROMIUM and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM or None, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    # Requests still running (cards htmx loads lazily) must end before the database is emptied for the next
    # test: a request reading tables while the flush truncates them can deadlock with it.
    with suppress(PlaywrightError):
        page.wait_for_function("() => !document.querySelector('.htmx-request')", timeout=5_000)
    context.close()


@pytest.fixture(autouse=True)
def two_factor_enforced(settings) -> None:
    """Journeys run as in production: administrators (and anyone enrolled) give a second factor."""
    settings.KAM_TWO_FACTOR_ENFORCED = True


def totp_code(device) -> str:
    """The app's code for a device, as a phone would show it: a step the device has not used yet.

    A code is accepted once (django-otp remembers the last step); the device also accepts the
    next step's code, so signing in twice within 30 seconds needs no waiting.
    """
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += (device.last_t + 1 - totp.t()) * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def sign_in(page: Page):
    """Signs in through the pages; administrators are enrolled (an app device) and type its code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def _sign_in(user) -> Page:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None and user.is_administrator:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        page.goto("/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        if device is not None:
            page.wait_for_url("**/login/verify/**")
            page.get_by_label("Code").fill(totp_code(device))
            page.get_by_role("button", name="Verify").click()
        page.wait_for_url("**/")
        return page

    return _sign_in


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


def serious_violations(axe: Axe, page: Page) -> list[str]:
    """axe-core violations of impact serious or critical, as readable lines."""
    if page.evaluate("typeof window.axe === 'object'"):
        # Injected already in this document (checked again at another width): axe.run would inject it anew.
        response = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    else:
        response = axe.run(page).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
