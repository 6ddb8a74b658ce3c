"""Each role crawls every page it reaches by links on a 390 px phone: nothing scrolls sideways, axe is clean."""

from __future__ import annotations

from importlib import import_module

from playwright.sync_api import Browser

from e2e.conftest import serious_violations, totp_code
from e2e.crawl import PHONE_WIDTH, crawl
from kam.demo import DEMO_PASSWORD, DEMO_STEPS, seed_admin_two_factor, seed_users

ROLES = ["manager", "sponsor", "contributor", "admin"]


def _seed_demo() -> dict:
    """The demo portfolio (long names, many rows, French and German accounts): the realistic worst case."""
    users = seed_users()
    seed_admin_two_factor(user=users["admin"])
    for _order, step in DEMO_STEPS:
        module_name, function_name = step.split(":")
        getattr(import_module(module_name), function_name)(users=users)
    return users


def test_every_page_a_role_reaches_fits_a_phone_and_has_no_serious_axe_finding(
    browser: Browser, live_server, axe, transactional_db
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    users = _seed_demo()
    problems: list[str] = []
    for username in ROLES:
        context = browser.new_context(
            base_url=live_server.url, locale="en-GB", viewport={"width": PHONE_WIDTH, "height": 844}
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto("/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        device = TOTPDevice.objects.filter(user=users[username], confirmed=True).first()
        if device is not None:
            page.wait_for_url("**/login/verify/**")
            page.get_by_label("Code").fill(totp_code(device))
            page.get_by_role("button", name="Verify").click()
        page.wait_for_url("**/")

        visited = 0
        for report in crawl(page, live_server.url, check=lambda p: serious_violations(axe, p)):
            visited += 1
            if report.scroll_width > PHONE_WIDTH:
                problems.append(f"{username} {report.url}: {report.scroll_width} px wide {report.overflowing}")
            problems.extend(f"{username} {report.url}: {line}" for line in report.violations)
        context.close()
        # The crawl really went round the app (register, plans, reviews, surveys, runs, an account...).
        assert visited >= 15, f"{username} reached only {visited} pages"
    assert not problems, "\n".join(problems)


def test_chart_labels_notes_and_legends_stay_inside_their_chart_on_a_phone(page, sign_in, transactional_db):
    from pathlib import Path

    from playwright.sync_api import expect

    from kam.roles import Role
    from kam.tests.factories import UserFactory
    from portfolio.tests.builders import portfolio_build

    manager = UserFactory(username="e2e-phone-manager", role=Role.KEY_ACCOUNT_MANAGER)
    sponsor = UserFactory(username="e2e-phone-sponsor", role=Role.EXECUTIVE_SPONSOR)
    portfolio_build(manager=manager, sponsor=sponsor)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    sign_in(sponsor)
    page.goto("/dashboard/")
    charts = page.locator("[data-chart-source]")
    for index in range(charts.count()):
        expect(charts.nth(index)).to_have_attribute("data-rendered", "1", timeout=30_000)
    clipped = page.evaluate((Path(__file__).parent / "clipped_chart_text.js").read_text())
    assert clipped == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
