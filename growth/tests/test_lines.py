"""Merging product lines moves potentials and whitespace marks to the line kept; a clash keeps the kept line's."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.services import product_lines_merge
from accounts.tests.factories import AccountFactory, ProductLineFactory
from growth.models import LinePotential, MarkKind, WhitespaceMark

pytestmark = pytest.mark.django_db


def potential(account, line, amount: str) -> LinePotential:
    return LinePotential.objects.create(account=account, line=line, amount=Decimal(amount), reason="visit")


def test_merge_moves_potentials_and_marks_and_keeps_the_targets_on_a_clash(admin_user):
    acme, beta = AccountFactory(), AccountFactory()
    drinks, beverages = ProductLineFactory(name="Drinks"), ProductLineFactory(name="Beverages")
    potential(acme, drinks, "100")
    potential(acme, beverages, "999")
    potential(beta, beverages, "50")
    WhitespaceMark.objects.create(account=acme, line=beverages, kind=MarkKind.COMPETITOR, competitor="Rival")

    notes = product_lines_merge(sources=[beverages], target=drinks, by=admin_user)

    amounts = dict(LinePotential.objects.filter(line=drinks).values_list("account_id", "amount"))
    assert amounts == {acme.pk: Decimal("100.00"), beta.pk: Decimal("50.00")}
    assert LinePotential.objects.filter(line=beverages).count() == 0
    assert WhitespaceMark.objects.get().line == drinks
    assert notes == ["1 account already had a potential on Drinks: that one is kept, the merged line's dropped."]
    assert LinePotential.objects.get(account=beta).history.first().history_user == admin_user


def test_two_merged_lines_on_one_account_keep_one_mark(admin_user):
    acme = AccountFactory()
    kept, first, second = (ProductLineFactory(name=name) for name in ("Kept", "First", "Second"))
    WhitespaceMark.objects.create(account=acme, line=first, kind=MarkKind.NOT_RELEVANT)
    WhitespaceMark.objects.create(account=acme, line=second, kind=MarkKind.COMPETITOR, competitor="Rival")

    notes = product_lines_merge(sources=[first, second], target=kept, by=admin_user)

    assert WhitespaceMark.objects.get().line == kept
    assert len(notes) == 1
