"""Factories for the account register."""

from __future__ import annotations

from decimal import Decimal

import factory

from accounts.models import Account, Contact, Interaction, InteractionKind, YearlyFinancial


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Account {n:04d}")
    reference = factory.Sequence(lambda n: f"REF-{n:05d}")
    sector = "Manufacturing"
    country = "FR"
    city = "Lyon"


class YearlyFinancialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YearlyFinancial

    account = factory.SubFactory(AccountFactory)
    year = 2025
    revenue = Decimal("100000.00")
    gross_margin = Decimal("30000.00")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    account = factory.SubFactory(AccountFactory)
    name = factory.Faker("name")
    job_title = "Purchasing manager"
    email = factory.Sequence(lambda n: f"contact{n}@example.com")


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    account = factory.SubFactory(AccountFactory)
    kind = InteractionKind.MEETING
    summary = "Quarterly review"


class ProductLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.ProductLine"

    name = factory.Sequence(lambda n: f"Line {n:03d}")
    family = ""
