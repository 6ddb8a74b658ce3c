"""The criterion sources that come from other apps' data, as scoring reads them."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from accounts.coverage import PENALTIES, coverage_portfolio
from accounts.models import BuyingRole, Deal, DealOutcome
from accounts.tests.factories import AccountFactory, ContactFactory, InteractionFactory
from scoring.sources import SOURCES, portfolio_frame


@pytest.mark.django_db
def test_relationship_coverage_source_scores_every_account_in_a_few_queries(django_assert_max_num_queries):
    mapped = AccountFactory(is_key=False)
    boss = ContactFactory(account=mapped, buying_role=BuyingRole.DECISION_MAKER, covered_by=None)
    ContactFactory(account=mapped, buying_role=BuyingRole.USER)
    InteractionFactory(account=mapped, contact=boss)
    empty = AccountFactory()
    AccountFactory.create_batch(20)
    frame = portfolio_frame()
    with django_assert_max_num_queries(3):
        values = SOURCES["relationship_coverage"].load(frame)
    assert values[mapped.pk] == 100 - PENALTIES["uncovered_decision_maker"]
    assert values[empty.pk] == 100 - PENALTIES["single_threaded"] - PENALTIES["no_decision_maker"]
    assert values.index.equals(frame.index)
    assert str(SOURCES["relationship_coverage"].label) == "Relationship coverage (decision-maker map)"
    assert coverage_portfolio().loc[mapped.pk, "quality"] == "amber"


@pytest.mark.django_db
def test_open_pipeline_source_sums_the_open_deals_imported_from_the_crm():
    acme = AccountFactory()
    without_deals = AccountFactory()
    Deal.objects.create(account=acme, external_id="A1", stage="Proposal", outcome=DealOutcome.OPEN, amount=Decimal(150))
    Deal.objects.create(account=acme, external_id="A2", stage="Won", outcome=DealOutcome.WON, amount=Decimal(99))

    values = SOURCES["open_pipeline"].load(portfolio_frame())

    assert values[acme.pk] == 150
    assert pd.isna(values[without_deals.pk])  # no deal imported: unknown, not zero
    assert str(SOURCES["open_pipeline"].label) == "Open pipeline (open deals imported from the CRM)"


def test_raw_values_carry_their_unit_in_the_readers_format(settings):
    from django.utils import translation

    from scoring.sources import raw_value_text

    settings.KAM_CURRENCY = "EUR"
    with translation.override("en"):
        assert raw_value_text(2984501.0, "last_year_revenue") == "2,984,501\u00a0EUR"
        assert raw_value_text(12.5, "revenue_growth") == "12.5\u00a0%"
        assert raw_value_text(7.0, "manual") == "7\u00a0/10"
        assert raw_value_text(1200.0, "employees") == "1,200"
        assert raw_value_text(None, "headroom") == "—"
    with translation.override("fr"):
        assert raw_value_text(2984501.0, "headroom") == "2\u00a0984\u00a0501\u00a0EUR"
