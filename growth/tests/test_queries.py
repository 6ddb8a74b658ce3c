"""The map's page, cell and card read a fixed number of queries whatever the number of lines or subsidiaries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Deal, DealOutcome, FinancialYearSetting
from accounts.tests.factories import AccountFactory
from accounts.tests.pages import HTMX
from growth.tests.factories import LinePotentialFactory, LineRevenueFactory, ProductLineFactory, WhitespaceMarkFactory

pytestmark = pytest.mark.django_db

MAP_QUERIES = 17  # session, user, roles, account, rows, editable rows, lines, year, 8 frame reads, notifications


def _group(manager, *, lines: int, subsidiaries: int):
    FinancialYearSetting.objects.update_or_create(pk=1, defaults={"fixed_year": 2025})
    parent = AccountFactory(owner=manager, employees=100)
    rows = [parent, *(AccountFactory(parent=parent, owner=manager, employees=20) for _ in range(subsidiaries))]
    all_lines = [ProductLineFactory() for _ in range(lines)]
    for i, account in enumerate(rows):
        line = all_lines[i % lines]
        LineRevenueFactory(account=account, line=line, year=2025, revenue=Decimal("1000"))
        Deal.objects.create(account=account, external_id=f"D{i}", stage="x", outcome=DealOutcome.OPEN, amount=50,
                            line=all_lines[(i + 1) % lines])  # fmt: skip
        WhitespaceMarkFactory(account=account, line=all_lines[-1])
        LinePotentialFactory(account=account, line=all_lines[0])
    return parent


@pytest.mark.parametrize(("lines", "subsidiaries"), [(2, 1), (20, 1), (2, 10), (20, 10)])
def test_map_page_and_card_queries_do_not_grow_with_lines_or_subsidiaries(
    client, manager, django_assert_max_num_queries, lines, subsidiaries
):
    parent = _group(manager, lines=lines, subsidiaries=subsidiaries)
    client.force_login(manager)
    client.get(f"/accounts/{parent.pk}/whitespace/")  # warm the session and the caches
    with django_assert_max_num_queries(MAP_QUERIES):
        assert client.get(f"/accounts/{parent.pk}/whitespace/").status_code == 200
    with django_assert_max_num_queries(MAP_QUERIES):
        assert client.get(f"/accounts/{parent.pk}/cards/whitespace/", headers=HTMX).status_code == 200
