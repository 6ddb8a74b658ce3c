"""The whitespace and the lines bought as scoring criterion sources, on a portfolio worked out by hand."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from django.utils import translation

from accounts.models import Deal, DealOutcome, FinancialYearSetting, Lifecycle, LineRevenue, ProductLine
from accounts.tests.factories import AccountFactory
from growth.models import LinePotential, MarkKind, PeerSettings, WhitespaceMark
from scoring.sources import SOURCES, portfolio_frame, raw_value_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio():
    """Food accounts of 20 people (one size band), peers from 2 buyers; year in use 2025.

    Oil: A 100, B 200, C 300 → estimate 200 (3 peers). Tea: A 300, B 500 → estimate 400 (2 peers). Rice: bought
    by nobody → no estimate. B has an open deal on rice; D entered 50 on rice and marked tea as a competitor's.
    """
    FinancialYearSetting.objects.update_or_create(pk=1, defaults={"fixed_year": 2025})
    PeerSettings.objects.update_or_create(pk=1, defaults={"min_peers": 2})
    oil, tea, rice = (ProductLine.objects.create(name=name) for name in ("Oil", "Tea", "Rice"))
    ProductLine.objects.create(name="Old oil", merged_into=oil)  # an alias is not a line of its own
    ProductLine.objects.create(name="Coal", is_active=False)  # nor is a line no longer sold
    made = {key: AccountFactory(name=key, sector="Food", employees=20) for key in "ABCDF"}
    made["E"] = AccountFactory(name="E", sector="", employees=None)  # no peers, no data
    made["X"] = AccountFactory(name="X", sector="Food", employees=20, lifecycle=Lifecycle.FORMER)
    for key, line, amount in [("A", oil, 100), ("A", tea, 300), ("B", oil, 200), ("B", tea, 500), ("C", oil, 300)]:
        LineRevenue.objects.create(account=made[key], line=line, year=2025, revenue=Decimal(amount))
    LineRevenue.objects.create(account=made["F"], line=oil, year=2023, revenue=Decimal("999"))  # another year
    Deal.objects.create(
        account=made["B"], external_id="B-1", stage="Proposal", outcome=DealOutcome.OPEN, amount=70, line=rice
    )
    LinePotential.objects.create(account=made["D"], line=rice, amount=Decimal("50"), reason="New plant")
    WhitespaceMark.objects.create(account=made["D"], line=tea, kind=MarkKind.COMPETITOR, competitor="Rival")
    return {key: account.pk for key, account in made.items()}


def test_whitespace_by_line_is_the_untouched_potential_of_each_account(portfolio):
    values = SOURCES["line_whitespace"].load(portfolio_frame())
    assert portfolio["X"] not in values.index  # former customers are not scored
    by_name = {key: values.get(pk) for key, pk in portfolio.items() if key != "X"}
    assert by_name["C"] == 400.0  # tea, estimated; rice has no potential known
    assert by_name["D"] == 250.0  # oil 200 estimated + rice 50 entered; tea is a competitor's
    assert by_name["F"] == 600.0  # 2023 revenue is not the year in use: oil 200 + tea 400
    assert by_name["B"] == 0.0  # every line sold or in pipeline: nothing left to win, known
    assert math.isnan(by_name["A"]) and math.isnan(by_name["E"])  # rice untouched with no potential known: missing


def test_lines_bought_counts_the_lines_of_the_year_in_use_and_leaves_accounts_without_data_empty(portfolio):
    values = SOURCES["lines_bought"].load(portfolio_frame())
    by_name = {key: values.get(pk) for key, pk in portfolio.items() if key != "X"}
    assert (by_name["A"], by_name["B"], by_name["C"]) == (2.0, 2.0, 1.0)
    assert by_name["F"] == 0.0  # lines bought in 2023, none in 2025
    assert math.isnan(by_name["D"]) and math.isnan(by_name["E"])  # no revenue by line at all: not 0


def test_sources_say_what_they_measure_and_in_which_unit(portfolio):
    translation.activate("en")  # whatever language an earlier request left active
    assert str(SOURCES["line_whitespace"].label) == "Whitespace by line (potential still to win)"
    assert raw_value_text(1250.0, "line_whitespace") == "1,250\u00a0EUR"
    assert str(SOURCES["lines_bought"].label) == "Number of product lines bought (year in use)"
    assert raw_value_text(3.0, "lines_bought") == "3"


def test_whitespace_reads_a_fixed_number_of_queries_whatever_the_portfolio(portfolio, django_assert_max_num_queries):
    oil = ProductLine.objects.get(name="Oil")
    for index in range(30):
        account = AccountFactory(sector="Food", employees=20)
        LineRevenue.objects.create(account=account, line=oil, year=2025, revenue=Decimal(index + 1))
    frame = portfolio_frame()
    with django_assert_max_num_queries(9):
        SOURCES["line_whitespace"].load(frame)
    with django_assert_max_num_queries(3):
        SOURCES["lines_bought"].load(frame)


def test_without_any_line_every_account_has_no_value():
    AccountFactory()
    values = SOURCES["line_whitespace"].load(portfolio_frame())
    assert values.isna().all()
