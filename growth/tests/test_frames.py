"""The frames read from the database feed the map with what the data holds, for the year in use."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Deal, DealOutcome, LineRevenue, ProductLine
from accounts.tests.factories import AccountFactory
from growth.frames import cells_frame
from growth.models import LinePotential, MarkKind, WhitespaceMark

pytestmark = pytest.mark.django_db


def test_cells_read_revenue_pipeline_marks_and_potentials_of_the_year():
    account = AccountFactory(sector="Food", employees=40)
    sold, open_line, held, entered = (ProductLine.objects.create(name=name) for name in ("Oil", "Tea", "Rice", "Salt"))
    LineRevenue.objects.create(account=account, line=sold, year=2025, revenue=Decimal("1200"))
    LineRevenue.objects.create(account=account, line=open_line, year=2024, revenue=Decimal("50"))  # another year
    Deal.objects.create(
        account=account, external_id="D1", stage="Proposal", outcome=DealOutcome.OPEN, amount=300, line=open_line
    )
    WhitespaceMark.objects.create(account=account, line=held, kind=MarkKind.COMPETITOR, competitor="Acme")
    LinePotential.objects.create(account=account, line=entered, amount=Decimal("900"), reason="New plant")

    cells = cells_frame(account_ids=[account.pk], line_ids=[sold.pk, open_line.pk, held.pk, entered.pk], year=2025)

    by_line = cells.set_index("line_id")
    assert by_line.loc[sold.pk, "status"] == "sold" and by_line.loc[sold.pk, "revenue"] == 1200.0
    assert by_line.loc[open_line.pk, "status"] == "pipeline" and by_line.loc[open_line.pk, "pipeline"] == 300.0
    assert by_line.loc[held.pk, "competitor"] == "Acme"
    assert by_line.loc[entered.pk, "potential"] == 900.0 and by_line.loc[entered.pk, "reason"] == "New plant"
