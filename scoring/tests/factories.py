"""Factories for scoring: criteria, ratings, and a small scored-ready portfolio every test module shares."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from accounts.models import Account
from accounts.services import financials_refresh
from accounts.tests.factories import AccountFactory, YearlyFinancialFactory
from scoring.models import Criterion, Rating

LAST_YEAR = date.today().year - 1


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    name = factory.Sequence(lambda n: f"Criterion {n}")
    axis = "value"
    weight = 10
    source = "last_year_revenue"
    normalisation = "minmax"


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    account = factory.SubFactory(AccountFactory)
    criterion = factory.SubFactory(CriterionFactory, source="manual", normalisation="fixed", fixed_min=0, fixed_max=10)
    value = 5
    justification = "test"


def three_criteria() -> list[Criterion]:
    """Revenue (value, 50), headroom (potential, 30) and a manual fit rating 0–10 (fit, 20)."""
    return [
        CriterionFactory(name="Revenue", axis="value", weight=50, source="last_year_revenue"),
        CriterionFactory(name="Headroom", axis="potential", weight=30, source="headroom"),
        CriterionFactory(
            name="Fit", axis="fit", weight=20, source="manual", normalisation="fixed", fixed_min=0, fixed_max=10
        ),
    ]


def rated_portfolio(revenues_and_potentials, fit_ratings) -> list[Account]:
    """One account per (revenue, potential) with last year's revenue, each rated on the "Fit" criterion."""
    accounts = []
    for revenue, potential in revenues_and_potentials:
        account = AccountFactory(potential=Decimal(potential))
        YearlyFinancialFactory(account=account, year=LAST_YEAR, revenue=Decimal(revenue))
        accounts.append(account)
    financials_refresh()
    fit = Criterion.objects.get(name="Fit")
    for account, rating in zip(accounts, fit_ratings, strict=True):
        RatingFactory(account=account, criterion=fit, value=rating)
    return accounts
