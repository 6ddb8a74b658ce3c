"""A manager imports a CRM's opportunities in a real browser: stages confirmed, counts that say what they count."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import Deal, YearlyFinancial
from accounts.tests.factories import AccountFactory
from e2e.conftest import serious_violations
from kam.roles import Role
from kam.tests.factories import UserFactory

OPPORTUNITIES = Path(settings.BASE_DIR) / "accounts" / "tests" / "data" / "crm" / "opportunities.csv"
KNOWN = ["Acme Corporation", "Betasoloin", "Bioholding", "Cancity", "Codehow", "Conecom", "Dalttechnology", "Dontechi"]


def _upload(page) -> None:
    page.goto("/accounts/import/")
    page.locator("#id_file").set_input_files(str(OPPORTUNITIES))
    page.get_by_label("Opportunities (deals, won, open or lost)").check()
    page.get_by_role("button", name="Upload and continue").click()


def test_manager_imports_opportunities_and_reimporting_changes_nothing(page, sign_in, axe, transactional_db):
    manager = UserFactory(username="e2e-deals", role=Role.KEY_ACCOUNT_MANAGER)
    for name in KNOWN:
        AccountFactory(name=name, owner=manager)
    deals = pd.read_csv(OPPORTUNITIES, dtype=str, keep_default_na=False)
    known = deals[deals.account.isin(KNOWN)]
    won = known[known.deal_stage == "Won"]
    skipped_unknown = int(((deals.account != "") & ~deals.account.isin(KNOWN)).sum())
    sign_in(manager)

    _upload(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Map the columns of opportunities.csv")
    stages = page.locator("#stage-values")
    expect(stages.get_by_label("Won", exact=True)).to_have_value("won")
    expect(stages.get_by_label("Engaging")).to_have_value("open")
    expect(stages.get_by_label("Prospecting")).to_have_value("open")
    expect(stages.get_by_label("Lost")).to_have_value("lost")
    expect(page.get_by_label("skip these rows (they are counted)")).to_be_checked()
    assert serious_violations(axe, page) == []
    page.get_by_role("button", name="Preview the import").click()

    summary = page.locator("#import-counts")
    pairs = won.groupby([won.account, won.close_date.str[:4]]).ngroups
    expect(summary).to_contain_text(f"{pairs} yearly revenues to write for {won.account.nunique()} accounts.")
    expect(summary).to_contain_text(f"{len(won)} won deals")
    expect(summary).to_contain_text(f"{(known.deal_stage == 'Lost').sum()} lost deals ignored.")
    expect(summary).to_contain_text(f"{(deals.account == '').sum()} rows skipped: no account.")
    expect(summary).to_contain_text(f"{skipped_unknown} rows skipped: their account is not in the register")
    expect(page.get_by_role("status").filter(has_text="The newest figures are for 2017")).to_be_visible()
    assert serious_violations(axe, page) == []
    page.get_by_role("button", name="Apply the import").click()

    expect(page.locator("#import-result")).to_contain_text(f"{pairs} yearly revenues written")
    expect(page.get_by_role("status").filter(has_text="will use 2017 as the year in use")).to_be_visible()
    assert YearlyFinancial.objects.count() == pairs
    assert Deal.objects.count() == len(known)
    # Ids like "C1…" are deals, not credit notes: every won deal counts in full.
    assert sum(YearlyFinancial.objects.values_list("revenue", flat=True)) == int(won.close_value.astype(int).sum())

    # The same file again: one click per step, nothing changes.
    _upload(page)
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator("#import-counts")).to_contain_text(
        f"0 yearly revenues to write for 0 accounts; {pairs} unchanged."
    )
    expect(page.locator("#import-counts")).to_contain_text(f"Deals: 0 new, 0 changed, {len(known)} unchanged.")
    page.get_by_role("button", name="Apply the import").click()
    expect(page.locator("#import-result")).to_contain_text("0 yearly revenues written")
    assert YearlyFinancial.objects.count() == pairs
    assert Deal.objects.count() == len(known)
