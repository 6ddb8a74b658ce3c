"""Factories for product lines and what the whitespace map reads about them."""

from __future__ import annotations

from decimal import Decimal

import factory

from accounts.models import LineRevenue, ProductLine
from accounts.tests.factories import AccountFactory
from growth.models import LinePotential, MarkKind, WhitespaceMark


class ProductLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductLine

    name = factory.Sequence(lambda n: f"Line {n:03d}")
    family = "Services"


class LineRevenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LineRevenue

    account = factory.SubFactory(AccountFactory)
    line = factory.SubFactory(ProductLineFactory)
    year = 2025
    revenue = Decimal("12000.00")


class LinePotentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LinePotential

    account = factory.SubFactory(AccountFactory)
    line = factory.SubFactory(ProductLineFactory)
    amount = Decimal("8000.00")
    reason = "New plant in 2026"


class WhitespaceMarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WhitespaceMark

    account = factory.SubFactory(AccountFactory)
    line = factory.SubFactory(ProductLineFactory)
    kind = MarkKind.COMPETITOR
    competitor = "Acme"
