"""Each role crawls every page it reaches by links on a 390 px phone: nothing scrolls sideways, axe is clean."""

from __future__ import annotations

from importlib import import_module
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page

from e2e.conftest import serious_violations, totp_code
from e2e.crawl import DESKTOP_WIDTH, PHONE_WIDTH, Crawl, url_pattern
from kam.demo import DEMO_PASSWORD, DEMO_STEPS, seed_admin_two_factor, seed_users

# (role, language, also at a desktop's width, axe): each role in English on a phone, the administrator (who
# reaches nearly every page) first and also at a desktop's width; then the manager in French, for the width
# only (longer words, other number formats): axe judges the same templates whatever their language.
CRAWLS = [
    ("admin", "en-GB", True, True),
    ("manager", "en-GB", False, True),
    ("sponsor", "en-GB", False, True),
    ("contributor", "en-GB", False, True),
    ("manager", "fr-FR", False, False),
]


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
    # Every page is measured for every role (its content, hence its width, is the role's), but axe, which
    # takes most of the time, runs once per page and language: the templates and widgets it judges are the
    # same whoever reads them, and the administrator, crawling first, reaches nearly every page.
    axed: set[tuple[str, str, int]] = set()

    def check(page: Page) -> list[str]:
        key = (
            page.evaluate("document.documentElement.lang"),
            url_pattern(urlsplit(page.url).path),
            page.viewport_size["width"] if page.viewport_size else 0,
        )
        if key in axed:
            return []
        axed.add(key)
        return serious_violations(axe, page)

    for username, locale, desktop, run_axe in CRAWLS:
        who = f"{username} ({locale})"
        context = browser.new_context(
            base_url=live_server.url, locale=locale, viewport={"width": PHONE_WIDTH, "height": 844}
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto("/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        device = TOTPDevice.objects.filter(user=users[username], confirmed=True).first()
        if device is not None:
            page.wait_for_url("**/login/verify/**")
            page.get_by_label("Code").fill(totp_code(device))  # only the administrator is enrolled; in English
            page.get_by_role("button", name="Verify").click()
        page.wait_for_url("**/")

        walk = Crawl(page, live_server.url, check=check if run_axe else None, desktop=desktop)
        pages = 0
        for report in walk:
            if report.status >= 400:
                problems.append(f"{who} {report.url}: answered {report.status}")
                continue
            if report.download:
                if report.status != 200:
                    problems.append(f"{who} {report.url}: the download answered {report.status}")
                continue
            pages += 1
            problems.extend(f"{who} {report.url}: {line}" for line in report.errors)
            if report.scroll_width > PHONE_WIDTH:
                problems.append(f"{who} {report.url}: {report.scroll_width} px wide {report.overflowing}")
            problems.extend(f"{who} {report.url}: {line}" for line in report.violations)
            if desktop and report.desktop_width > DESKTOP_WIDTH:
                problems.append(f"{who} {report.url}: {report.desktop_width} px wide at {DESKTOP_WIDTH} px")
            problems.extend(f"{who} {report.url} at {DESKTOP_WIDTH} px: {line}" for line in report.desktop_violations)

        context.close()
        # Stopped by its bound, the crawl would leave pages unchecked without anyone knowing.
        assert not walk.cut_off, (
            f"{who}: the crawl stopped at {walk.max_patterns} URL patterns (raise MAX_PATTERNS if the app grew);"
            f" not visited: {walk.cut_off}; visited: {walk.visited}"
        )
        # The crawl really went round the app (register, plans, reviews, surveys, runs, an account, its cards...).
        assert pages >= 15, f"{who} reached only {pages} pages: {walk.visited}"
        assert any("/cards/" in pattern for pattern in walk.visited), f"{who} opened no card page: {walk.visited}"
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
