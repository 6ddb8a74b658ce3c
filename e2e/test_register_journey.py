"""Register journeys in a real browser: browse and filter, the 360° page, log, edit, import."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect

from accounts.models import Account
from accounts.services import financials_refresh
from accounts.tests.factories import AccountFactory, YearlyFinancialFactory
from e2e.conftest import serious_violations
from kam.roles import Role
from kam.tests.factories import UserFactory

NORTHWIND_CUSTOMERS = Path(settings.BASE_DIR) / "accounts" / "demo_data" / "northwind" / "customers.csv"


def _portfolio(owner) -> Account:
    acme = AccountFactory(name="Acme Industries", owner=owner, country="FR", is_key=True, potential=Decimal(900000))
    for year, revenue in ((date.today().year - 2, 250000), (date.today().year - 1, 300000)):
        YearlyFinancialFactory(account=acme, year=year, revenue=Decimal(revenue), gross_margin=Decimal(revenue) / 4)
    for number in range(12):
        AccountFactory(name=f"Bakery {number:02d}", country="GB", owner=owner)
    financials_refresh()
    return acme


def test_manager_filters_the_register_opens_an_account_logs_and_edits(page, sign_in, axe, transactional_db):
    manager = UserFactory(username="e2e-manager", role=Role.KEY_ACCOUNT_MANAGER)
    acme = _portfolio(manager)
    sign_in(manager)

    page.get_by_role("link", name="Accounts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account register")
    expect(page.locator("#register-count")).to_contain_text("13 accounts")
    assert serious_violations(axe, page) == []

    # Typing filters in place (htmx) and the URL keeps the filter for bookmarks.
    page.get_by_label("Search").fill("acme")
    expect(page.locator("#register-count")).to_contain_text("1 account")
    expect(page).to_have_url(re.compile(r"q=acme"))
    page.get_by_label("Key status").select_option("no")
    expect(page.locator("#register-count")).to_contain_text("0 accounts")
    page.get_by_label("Key status").select_option("yes")
    page.get_by_role("link", name="Acme Industries").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Industries")
    expect(page.locator(".kam-chart .main-svg").first).to_be_visible()  # plotly drew the chart
    expect(page.get_by_text("33.3 %")).to_be_visible()  # share of wallet 300k / 900k
    assert serious_violations(axe, page) == []

    page.get_by_role("link", name="Log an interaction").click()
    page.get_by_label("Kind").select_option("incident")
    page.get_by_label("Summary").fill("Damaged pallets at the Lyon depot")
    page.get_by_role("button", name="Log interaction").click()
    expect(page.locator("#interactions")).to_contain_text("Damaged pallets at the Lyon depot")
    expect(page.locator("#interactions")).to_contain_text("Interaction logged.")

    page.get_by_role("link", name="Edit account").click()
    page.get_by_label("Estimated potential").fill("-1")
    page.get_by_label("Sector").fill("Aerospace")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The potential cannot be negative.")).to_be_visible()
    expect(page.get_by_label("Sector")).to_have_value("Aerospace")  # input kept
    page.get_by_label("Estimated potential").fill("950000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Changes saved.")).to_be_visible()
    expect(page.locator("#history-heading + ol")).to_contain_text("Manufacturing → Aerospace")
    acme.refresh_from_db()
    assert acme.sector == "Aerospace"


def test_contributor_reads_logs_but_cannot_edit(page, sign_in, axe, transactional_db):
    owner = UserFactory(username="e2e-owner", role=Role.KEY_ACCOUNT_MANAGER)
    contributor = UserFactory(username="e2e-contributor", role=Role.CONTRIBUTOR)
    acme = _portfolio(owner)
    sign_in(contributor)
    page.goto(f"/accounts/{acme.pk}/")
    expect(page.get_by_role("link", name="Edit account")).to_have_count(0)
    page.get_by_role("link", name="Log an interaction").click()
    page.get_by_label("Kind").select_option("payment_issue")
    page.get_by_label("Summary").fill("Invoice 4411 unpaid after 60 days")
    page.get_by_role("button", name="Log interaction").click()
    expect(page.locator("#interactions")).to_contain_text("Invoice 4411 unpaid after 60 days")
    # The server refuses the edit page even when the URL is typed.
    response = page.goto(f"/accounts/{acme.pk}/edit/")
    assert response.status == 403


def test_manager_imports_northwind_customers_through_the_wizard(page, sign_in, axe, transactional_db):
    manager = UserFactory(username="e2e-importer", role=Role.KEY_ACCOUNT_MANAGER)
    sign_in(manager)
    page.goto("/accounts/import/")
    assert serious_violations(axe, page) == []
    page.locator("#id_file").set_input_files(str(NORTHWIND_CUSTOMERS))
    page.get_by_role("button", name="Upload and continue").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Map the columns of customers.csv")
    expect(page.get_by_label("companyName")).to_have_value("name")  # guessed from the header
    assert serious_violations(axe, page) == []
    page.get_by_role("button", name="Preview the import").click()

    expect(page.locator("#import-counts")).to_contain_text("91 accounts to create")
    page.get_by_role("button", name="Apply the import").click()
    expect(page.locator("#import-result")).to_contain_text("91 accounts created")
    assert Account.objects.filter(owner=manager).count() == 91

    # The same file again changes nothing.
    page.goto("/accounts/import/")
    page.locator("#id_file").set_input_files(str(NORTHWIND_CUSTOMERS))
    page.get_by_role("button", name="Upload and continue").click()
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator("#import-counts")).to_contain_text("91 unchanged")


def test_broken_upload_gets_a_clear_message_not_an_error_page(page, sign_in, tmp_path, transactional_db):
    manager = UserFactory(username="e2e-broken", role=Role.KEY_ACCOUNT_MANAGER)
    broken = tmp_path / "accounts.xlsx"
    broken.write_bytes(b"this is not a zip file")
    sign_in(manager)
    page.goto("/accounts/import/")
    page.locator("#id_file").set_input_files(str(broken))
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.locator(".invalid-feedback, .text-danger").first).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import accounts, transaction lines or a sales team")


def test_register_in_french_is_translated_and_accessible(page, sign_in, axe, transactional_db):
    manager = UserFactory(username="e2e-fr", role=Role.KEY_ACCOUNT_MANAGER)
    acme = _portfolio(manager)
    sign_in(manager)
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    page.goto("/accounts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registre des comptes")
    assert serious_violations(axe, page) == []
    page.goto(f"/accounts/{acme.pk}/")
    expect(page.get_by_role("heading", name="Historique des modifications")).to_be_visible()
    assert serious_violations(axe, page) == []
