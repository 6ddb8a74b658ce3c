"""The demo's product lines: Northwind's eight categories, with revenue by line that adds up to yearly revenue."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.demo import seed_accounts
from accounts.models import Account, LineRevenue, ProductLine, YearlyFinancial
from kam.demo import seed_users

pytestmark = pytest.mark.django_db


def test_demo_accounts_buy_northwind_categories_and_lines_add_up_to_their_revenue():
    users = seed_users()
    seed_accounts(users=users)

    assert sorted(ProductLine.objects.values_list("name", "family")) == [
        ("Beverages", "Drinks"), ("Condiments", "Grocery"), ("Confections", "Grocery"), ("Dairy Products", "Fresh"),
        ("Grains/Cereals", "Grocery"), ("Meat/Poultry", "Fresh"), ("Produce", "Grocery"), ("Seafood", "Fresh"),
    ]  # fmt: skip
    rows = list(LineRevenue.objects.values_list("account_id", "year", "revenue"))
    by_account_year: dict[tuple[int, int], Decimal] = {}
    for account, year, revenue in rows:
        by_account_year[(account, year)] = by_account_year.get((account, year), Decimal(0)) + revenue
    yearly = dict(
        ((account, year), revenue)
        for account, year, revenue in YearlyFinancial.objects.filter(account__reference__startswith="NW-").values_list(
            "account_id", "year", "revenue"
        )
    )
    assert set(by_account_year) == set(yearly)
    assert all(abs(by_account_year[key] - yearly[key]) <= Decimal("0.05") for key in yearly)
    # Most customers buy some lines and not others: whitespace to find.
    lines_bought = LineRevenue.objects.filter(year=max(y for _a, y in yearly)).values_list("account_id", "line_id")
    per_account = {}
    for account, line in lines_bought:
        per_account.setdefault(account, set()).add(line)
    assert any(len(lines) < 8 for lines in per_account.values())
    assert not LineRevenue.objects.filter(account__reference__startswith="GEN-").exists()

    count = LineRevenue.objects.count()
    seed_accounts(users=users)

    assert LineRevenue.objects.count() == count and ProductLine.objects.count() == 8
    assert Account.objects.filter(reference__startswith="NW-", line_revenues__isnull=False).distinct().count() > 80
