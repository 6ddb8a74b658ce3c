"""A contact opens the survey link on a 390 px phone: who is asking is said, and the 0-10 scale fits one row."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from accounts.models import BuyingRole
from accounts.tests.factories import AccountFactory, ContactFactory
from e2e.conftest import serious_violations
from kam.roles import Role
from kam.tests.factories import UserFactory
from surveys.tests.factories import links_by_email, sent_campaign


@pytest.fixture
def organisation(settings) -> None:
    settings.KAM_ORGANISATION_NAME = "Northwind Traders"
    settings.KAM_ORGANISATION_LOGO = "img/favicon.svg"


def test_the_survey_says_who_asks_and_its_scales_stay_on_one_row_on_a_phone(
    browser: Browser, live_server, axe, organisation, transactional_db
):
    manager = UserFactory(username="e2e-kam", role=Role.KEY_ACCOUNT_MANAGER)
    acme = AccountFactory(name="Acme Bikes", owner=manager, is_key=True)
    ContactFactory(account=acme, name="Dora Decider", email="dora@acme.test", buying_role=BuyingRole.DECISION_MAKER)
    sent_campaign(by=manager, accounts=[acme])
    token = links_by_email()["dora@acme.test"]

    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 390, "height": 844}, device_scale_factor=2
    )
    page = context.new_page()
    page.goto(f"/s/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How satisfied are you with Northwind Traders?")
    expect(page.get_by_role("img", name="Northwind Traders")).to_be_visible()

    scales = page.locator(".survey-scale")
    assert scales.count() >= 2
    for index in range(scales.count()):
        labels = scales.nth(index).locator("label")
        tops = labels.evaluate_all("els => els.map(e => e.offsetTop)")
        assert len(tops) in (10, 11) and len(set(tops)) == 1, tops  # one row
        widths = labels.evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")
        assert min(widths) >= 24  # WCAG 2.2 minimum target size
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Radios stay radios with their labels: choosing one by its label checks it.
    first = scales.first
    first.get_by_text("8", exact=True).click()
    assert first.locator("input[type=radio]:checked").get_attribute("value") == "8"
    assert serious_violations(axe, page) == []
    context.close()
