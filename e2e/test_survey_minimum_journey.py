"""Below the administrators' minimum of answers (default 3), an account's survey shows no figure and no alert."""

from __future__ import annotations

from playwright.sync_api import expect

from accounts.models import BuyingRole
from accounts.tests.factories import AccountFactory, ContactFactory
from kam.roles import Role
from kam.tests.factories import UserFactory
from surveys.models import SurveySettings
from surveys.tests.factories import answer, links_by_email, sent_campaign

PEOPLE = [
    ("dora@acme.test", BuyingRole.DECISION_MAKER),
    ("uma@acme.test", BuyingRole.USER),
    ("ivan@acme.test", BuyingRole.PRESCRIBER),
]
# A decision maker who scores us 2: a detractor, pleased with the product, not with the relationship.
UNHAPPY = {"nps": 2, "rating": {"product": 9, "relationship": 2, "service": 5, "delivery": 5, "value": 5}}


def test_figures_and_alerts_wait_for_the_third_answer(page, sign_in, transactional_db):
    assert SurveySettings.min_answers_now() == 3  # the default, untouched
    manager = UserFactory(username="e2e-kam", role=Role.KEY_ACCOUNT_MANAGER)
    account = AccountFactory(name="Acme Bikes", owner=manager, is_key=True, segment="loyal_core")
    for email, role in PEOPLE:
        ContactFactory(account=account, email=email, buying_role=role)
    campaign = sent_campaign(by=manager, accounts=[account], name="Spring survey")
    links = links_by_email()
    answer(links["dora@acme.test"], **UNHAPPY)
    answer(links["uma@acme.test"], **UNHAPPY)

    sign_in(manager)
    results = f"/surveys/{campaign.pk}/accounts/{account.pk}/"
    page.goto(results)
    expect(page.locator("#alerts")).to_have_count(0)
    expect(page.locator("#overall-index")).to_have_text("—")  # no index
    expect(page.locator("#split")).to_have_text("Not enough answers yet (2 of the 3 needed)")
    expect(page.get_by_text("Satisfied with the product, not with the relationship")).to_have_count(0)

    page.goto(f"/surveys/{campaign.pk}/")
    row = page.locator("#results").get_by_role("row", name="Acme Bikes")
    expect(row).to_contain_text("Not enough answers yet (2 of the 3 needed)")
    expect(row.locator("td.fw-semibold")).to_have_text("—")  # no overall index
    expect(page.locator("#alerts")).to_have_count(0)

    page.goto(account.get_absolute_url())
    card = page.locator("#account-satisfaction")  # arrives after the first paint
    expect(card).to_contain_text("Not enough answers yet (2 of the 3 needed)")
    expect(card).not_to_contain_text("Overall index")

    answer(links["ivan@acme.test"], **UNHAPPY)  # the third answer
    page.goto(results)
    expect(page.locator("#split")).to_have_text("Satisfied with the product, not with the relationship")
    expect(page.locator("#overall-index")).not_to_have_text("—")
    expect(page.locator("#alerts")).to_contain_text("A decision maker is a detractor")
    page.goto(account.get_absolute_url())
    expect(card).to_contain_text("Overall index")
    expect(card).not_to_contain_text("Not enough answers yet")
