"""The financial year in use: the latest complete year the data holds, or the one the administrator set."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accounts.financial_year import financial_year_in_use, latest_financial_year_with_data
from accounts.models import FinancialYearSetting
from accounts.services import financials_refresh
from accounts.tests.factories import AccountFactory, YearlyFinancialFactory
from accounts.tests.pages import account_page

pytestmark = pytest.mark.django_db

THIS_YEAR = date.today().year


@pytest.fixture
def history_of_2019():
    """An export whose deals closed years ago: revenue in 2018 and 2019 only."""
    account = AccountFactory(name="Old Exports Ltd", potential=Decimal("900000"))
    YearlyFinancialFactory(account=account, year=2018, revenue=Decimal("100000"))
    YearlyFinancialFactory(account=account, year=2019, revenue=Decimal("125000"))
    financials_refresh()
    account.refresh_from_db()
    return account


def test_no_financials_means_no_year_in_use():
    assert latest_financial_year_with_data() is None
    assert financial_year_in_use() is None


def test_a_2019_only_data_set_uses_2019(history_of_2019):
    assert latest_financial_year_with_data() == 2019
    assert financial_year_in_use() == 2019
    assert history_of_2019.last_year_revenue == Decimal("125000")
    assert history_of_2019.revenue_growth == Decimal("25.0")


def test_the_current_calendar_year_is_not_complete_so_not_in_use(history_of_2019):
    YearlyFinancialFactory(account=history_of_2019, year=THIS_YEAR, revenue=Decimal("5000"))
    assert financial_year_in_use() == 2019


def test_the_administrator_year_wins_and_every_account_follows(history_of_2019):
    other = AccountFactory(name="Other")
    YearlyFinancialFactory(account=other, year=2018, revenue=Decimal("7000"))
    FinancialYearSetting.objects.update_or_create(pk=1, defaults={"fixed_year": 2018})
    financials_refresh(account_ids=[other.pk])  # one account edited, but the year moved: all are recomputed
    history_of_2019.refresh_from_db()
    other.refresh_from_db()
    assert financial_year_in_use() == 2018
    assert history_of_2019.last_year_revenue == Decimal("100000")
    assert other.last_year_revenue == Decimal("7000")


def test_register_shows_2019_figures_and_says_so(client, contributor, history_of_2019):
    client.force_login(contributor)
    page = client.get("/accounts/").content.decode()
    assert "Revenue 2019" in page
    assert "125,000" in page or "125 000" in page or "125000" in page


def test_account_page_shows_the_2019_revenue_and_its_year(client, contributor, history_of_2019):
    client.force_login(contributor)
    page = account_page(client, history_of_2019)
    assert 'id="revenue-year-label">Revenue 2019<' in page
    assert "No revenue recorded" not in page
    assert "125,000 EUR" in page or "125000" in page.replace(",", "").replace("\u202f", "")


def test_dashboard_states_the_year_of_its_revenue_figures(client, sponsor, history_of_2019):
    client.force_login(sponsor)
    page = client.get("/dashboard/").content.decode()
    assert "Revenue figures: financial year 2019." in page


def test_register_shows_group_revenue_of_the_year_in_use_on_each_member(client, contributor):
    holding = AccountFactory(name="Holding Group")
    child = AccountFactory(name="Holding Child", parent=holding)
    grandchild = AccountFactory(name="Holding Grandchild", parent=child)
    AccountFactory(name="Standalone Ltd")
    for account, revenue in ((holding, "1000"), (child, "2000"), (grandchild, "500")):
        YearlyFinancialFactory(account=account, year=2019, revenue=Decimal(revenue))
    financials_refresh()
    client.force_login(contributor)
    page = client.get("/accounts/").content.decode()
    for name in ("Holding Group", "Holding Child", "Holding Grandchild"):
        row = page.split(f">{name}</a>")[1].split("</tr>")[0]
        assert "Group revenue: 3,500" in row
    assert "Group revenue" not in page.split(">Standalone Ltd</a>")[1].split("</tr>")[0]
