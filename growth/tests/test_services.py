"""The map's writes: marks and entered potentials replace what was there, need their reason, and keep history."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.tests.factories import AccountFactory
from growth.models import LinePotential, MarkKind, PeerSettings, WhitespaceMark
from growth.services import (
    line_potential_clear,
    line_potential_set,
    peer_settings_update,
    whitespace_mark_clear,
    whitespace_mark_set,
)
from growth.tests.factories import ProductLineFactory

pytestmark = pytest.mark.django_db


def test_a_mark_replaces_the_previous_one_and_its_history_says_who(manager):
    account, line = AccountFactory(), ProductLineFactory()
    whitespace_mark_set(account=account, line=line, kind=MarkKind.COMPETITOR, competitor=" Acme ", by=manager)
    mark = whitespace_mark_set(account=account, line=line, kind=MarkKind.NOT_RELEVANT, competitor="Acme", by=manager)

    assert WhitespaceMark.objects.get() == mark
    assert (mark.kind, mark.competitor, mark.marked_by) == (MarkKind.NOT_RELEVANT, "", manager)
    history = list(mark.history.order_by("history_date"))
    assert [h.competitor for h in history] == ["Acme", ""] and {h.history_user for h in history} == {manager}


def test_a_competitor_mark_needs_the_competitors_name(manager):
    with pytest.raises(ValueError):
        whitespace_mark_set(
            account=AccountFactory(), line=ProductLineFactory(), kind=MarkKind.COMPETITOR, competitor=" ", by=manager
        )
    assert not WhitespaceMark.objects.exists()


def test_clearing_a_mark_removes_it_and_history_keeps_what_it_said(manager):
    account, line = AccountFactory(), ProductLineFactory()
    whitespace_mark_set(account=account, line=line, kind=MarkKind.COMPETITOR, competitor="Acme", by=manager)

    assert whitespace_mark_clear(account=account, line=line, by=manager) is True
    assert whitespace_mark_clear(account=account, line=line, by=manager) is False
    assert not WhitespaceMark.objects.exists()
    deleted = WhitespaceMark.history.filter(history_type="-").get()
    assert deleted.competitor == "Acme" and deleted.history_user == manager


def test_a_potential_needs_a_reason_and_a_second_entry_replaces_the_first(manager):
    account, line = AccountFactory(), ProductLineFactory()
    with pytest.raises(ValueError):
        line_potential_set(account=account, line=line, amount=Decimal("100"), reason="  ", by=manager)
    line_potential_set(account=account, line=line, amount=Decimal("100"), reason="Tender", by=manager)
    potential = line_potential_set(account=account, line=line, amount=Decimal("250"), reason="Budget", by=manager)

    assert LinePotential.objects.get() == potential
    assert (potential.amount, potential.reason, potential.entered_by) == (Decimal("250"), "Budget", manager)
    assert potential.history.count() == 2


def test_clearing_a_potential_removes_it(manager):
    account, line = AccountFactory(), ProductLineFactory()
    line_potential_set(account=account, line=line, amount=Decimal("100"), reason="Tender", by=manager)

    assert line_potential_clear(account=account, line=line, by=manager) is True
    assert not LinePotential.objects.exists()
    assert LinePotential.history.filter(history_type="-", history_user=manager).exists()


def test_peer_settings_refuse_band_limits_that_do_not_increase(admin_user):
    with pytest.raises(ValueError):
        peer_settings_update(size_basis="employees", size_edges=[10, 10, 50], min_peers=3, by=admin_user)
    settings = peer_settings_update(size_basis="company_turnover", size_edges=[1, 5], min_peers=2, by=admin_user)
    assert PeerSettings.load().size_edges == [1, 5] and settings.min_peers == 2
