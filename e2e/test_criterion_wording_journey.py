"""A manager who reads French sees the criteria named and described in French wherever both languages are stored."""

from __future__ import annotations

from playwright.sync_api import expect

from accounts.models import Account
from kam.roles import Role
from kam.tests.factories import UserFactory
from scoring.models import Criterion
from scoring.services import segmentation_execute, segmentation_run_request
from scoring.tests.factories import rated_portfolio, three_criteria


def test_french_reader_sees_french_criterion_names_and_rubrics(page, sign_in, transactional_db):
    three_criteria()  # Revenue, Headroom, Fit
    Criterion.objects.filter(name="Fit").update(
        name_fr="Compatibilité", rubric_low="Opposite values", rubric_low_fr="Valeurs opposées"
    )
    account, _other = rated_portfolio([(100, 10), (50, 20)], [5, 7])
    segmentation_execute(run=segmentation_run_request())
    manager = UserFactory(username="e2e-kam", role=Role.KEY_ACCOUNT_MANAGER)
    Account.objects.update(owner=manager)
    sign_in(manager)

    page.goto("/scoring/criteria/")
    shares = page.get_by_role("table", name="Active criteria and their share of the total weight")
    expect(shares).to_contain_text("Fit")
    page.locator("#language-select").select_option("fr")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    shares = page.get_by_role("table", name="Critères actifs et leur part du poids total")
    expect(shares.get_by_role("cell", name="Compatibilité", exact=True)).to_be_visible()
    expect(shares).not_to_contain_text("Fit")
    expect(shares.get_by_role("cell", name="Revenue", exact=True)).to_be_visible()  # no French name: the English

    page.goto("/scoring/ratings/")
    expect(page.get_by_text("0: Valeurs opposées")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Opposite values")

    page.goto(account.get_absolute_url())
    why = page.locator("#why")  # the score card, loaded after the first paint
    expect(why.get_by_role("rowheader", name="Compatibilité")).to_be_visible()
    expect(why).not_to_contain_text("Fit")
