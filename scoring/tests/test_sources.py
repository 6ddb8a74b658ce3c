"""The criterion sources that come from other apps' data, as scoring reads them."""

from __future__ import annotations

import pytest

from accounts.coverage import PENALTIES, coverage_portfolio
from accounts.models import BuyingRole
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
