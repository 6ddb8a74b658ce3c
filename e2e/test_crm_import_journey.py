"""A customer's own CRM export in a real browser: its sales team, then its accounts, one click per fix."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect

from accounts.models import Account
from e2e.conftest import serious_violations
from kam.models import User
from kam.roles import Role
from kam.tests.factories import UserFactory

CRM = Path(settings.BASE_DIR) / "accounts" / "tests" / "data" / "crm"


def _upload(page, name: str, kind: str | None = None) -> None:
    page.goto("/accounts/import/")
    page.locator("#id_file").set_input_files(str(CRM / name))
    if kind:
        page.get_by_label(kind).check()
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Map the columns of {name}")


def test_sales_ops_imports_the_sales_team_then_the_accounts_and_reimporting_changes_nothing(
    page, sign_in, axe, transactional_db
):
    # Creating users is an administrator's right: the sales-ops person imports as one.
    sales_ops = UserFactory(username="e2e-sales-ops", role=Role.ADMINISTRATOR)
    sign_in(sales_ops)

    _upload(page, "sales_teams.csv", kind="Sales team (agents, managers, regions)")
    expect(page.get_by_label("sales_agent")).to_have_value("name")
    expect(page.get_by_label("regional_office")).to_have_value("region")
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator("#import-counts")).to_contain_text("14 users to create")
    page.get_by_role("button", name="Apply the import").click()
    expect(page.locator("#import-result")).to_contain_text("14 users created, 0 updated, 0 unchanged")
    assert not User.objects.get(username="chloe.martin").is_active  # inactive until invited

    _upload(page, "accounts.csv")
    expect(page.get_by_label("revenue", exact=True)).to_have_value("company_turnover")
    expect(page.get_by_label("subsidiary_of")).to_have_value("parent")
    expect(page.get_by_label("office_location")).to_have_value("country")
    assert serious_violations(axe, page) == []
    page.get_by_label("The company turnover column is written in").select_option("M")
    page.get_by_label("Currency of the company turnover (ISO code)").fill("USD")
    page.get_by_role("button", name="Preview the import").click()

    expect(page.locator("#import-suggestions")).to_contain_text("Did you mean Philippines for “Philipines” (2 rows)?")
    assert serious_violations(axe, page) == []
    page.get_by_role("button", name="Accept all suggestions").click()
    expect(page.locator("#import-counts")).to_contain_text("40 accounts to create, 0 to update, 0 unchanged")
    expect(page.locator("#import-counts")).to_contain_text("2 rows skipped: no account name (lines 17, 33).")
    page.get_by_role("button", name="Apply the import").click()
    expect(page.locator("#import-result")).to_contain_text("40 accounts created, 0 updated, 0 unchanged")
    assert serious_violations(axe, page) == []

    dalttechnology = Account.objects.get(name="Dalttechnology")
    assert (dalttechnology.country.code, dalttechnology.parent.name, dalttechnology.owner.get_full_name()) == (
        "PH", "Cancity", "Sofia Lindqvist",
    )  # fmt: skip
    page.goto(dalttechnology.get_absolute_url())
    expect(page.locator("#company-turnover")).to_contain_text("88.34 million USD")

    # Next month's export: same header, so the saved mapping, its unit and its correction apply by themselves.
    _upload(page, "accounts.csv")
    expect(page.locator("#saved-mapping")).to_contain_text("Using saved mapping “accounts.csv”")
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator("#import-counts")).to_contain_text("0 accounts to create, 0 to update, 40 unchanged")
    expect(page.get_by_text("“Philipines” is read as Philippines on 2 rows, as you accepted.")).to_be_visible()
    page.get_by_role("button", name="Apply the import").click()
    expect(page.locator("#import-result")).to_contain_text("0 accounts created, 0 updated, 40 unchanged")
    assert Account.objects.count() == 40
