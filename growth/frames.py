"""Read the whitespace inputs from the database into the frames growth.analytics works on, one query each."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import FloatField, QuerySet, Sum
from django.db.models.functions import Cast

from accounts.financial_year import financial_year_in_use
from accounts.models import Account, Deal, DealOutcome, Lifecycle, LineRevenue
from growth import analytics
from growth.models import LinePotential, PeerSettings, WhitespaceMark

KEYS = ["account_id", "line_id"]


def _frame(rows: Iterable[tuple], columns: list[str]) -> pd.DataFrame:
    if isinstance(rows, QuerySet):
        # Straight from the cursor: Django's per-value converters cost ~250 ms on 65,000 revenue rows. The
        # querysets here cast their numbers to float in SQL, so the raw values are the ones Django would give.
        try:
            sql, params = rows.query.sql_with_params()
        except EmptyResultSet:  # e.g. account_id__in an empty list
            return pd.DataFrame(columns=columns)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    return pd.DataFrame.from_records(list(rows), columns=columns)


def _limit(queryset, account_ids: Iterable[int] | None):
    return queryset if account_ids is None else queryset.filter(account_id__in=list(account_ids))


def revenue_frame(*, year: int | None, account_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Revenue per account × line in the year (empty without a year: nothing is known to be sold)."""
    columns = [*KEYS, "revenue"]
    if year is None:
        return _frame([], columns)
    rows = _limit(LineRevenue.objects.filter(year=year), account_ids).annotate(revenue_f=Cast("revenue", FloatField()))
    return _frame(rows.order_by().values_list("account_id", "line_id", "revenue_f"), columns)


def pipeline_frame(*, account_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Open deals' amounts per account × line (deals without a line are left out)."""
    rows = (
        _limit(Deal.objects.filter(outcome=DealOutcome.OPEN, line__isnull=False, amount__gt=0), account_ids)
        .order_by()
        .values("account_id", "line_id")
        .annotate(pipeline=Cast(Sum("amount"), FloatField()))
        .values_list("account_id", "line_id", "pipeline")
    )
    return _frame(rows, [*KEYS, "pipeline"])


def potentials_frame(*, account_ids: Iterable[int] | None = None) -> pd.DataFrame:
    rows = _limit(LinePotential.objects.all(), account_ids).annotate(amount_f=Cast("amount", FloatField()))
    return _frame(
        rows.order_by().values_list("account_id", "line_id", "amount_f", "reason"), [*KEYS, "potential", "reason"]
    )


def marks_frame(*, account_ids: Iterable[int] | None = None) -> pd.DataFrame:
    rows = _limit(WhitespaceMark.objects.all(), account_ids).order_by()
    return _frame(rows.values_list("account_id", "line_id", "kind", "competitor"), [*KEYS, "kind", "competitor"])


def peer_profile_frame(*, settings: PeerSettings, sectors: Iterable[str] | None = None) -> pd.DataFrame:
    """Sector and size (on the administrator's basis) of the accounts that can be peers: current customers."""
    queryset = Account.objects.exclude(lifecycle=Lifecycle.FORMER).order_by()
    if sectors is not None:
        queryset = queryset.filter(sector__in=list(sectors))
    rows = queryset.annotate(size_f=Cast(settings.size_basis, FloatField())).values_list("pk", "sector", "size_f")
    # Sizes all unknown come back as None objects, which pd.cut cannot compare: NaN is "unknown" in floats.
    return _frame(rows, ["account_id", "sector", "size"]).set_index("account_id").astype({"size": float})


def estimates_frame(*, year: int | None, sectors: Iterable[str] | None = None) -> pd.DataFrame:
    """Peer estimates for every account of the given sectors (all sectors when None)."""
    settings = PeerSettings.load()
    profiles = peer_profile_frame(settings=settings, sectors=sectors)
    revenue = revenue_frame(year=year, account_ids=None if sectors is None else profiles.index)
    return analytics.peer_estimates(profiles, revenue, edges=settings.size_edges, min_peers=settings.min_peers)


def cells_frame(*, account_ids: list[int], line_ids: list[int], year: int | None = None) -> pd.DataFrame:
    """The whitespace map's cells for these accounts × lines, in the year in use unless given."""
    year = year if year is not None else financial_year_in_use()
    sectors = set(Account.objects.filter(pk__in=account_ids).exclude(sector="").values_list("sector", flat=True))
    return analytics.whitespace_cells(
        account_ids=account_ids,
        line_ids=line_ids,
        revenue=revenue_frame(year=year, account_ids=account_ids),
        pipeline=pipeline_frame(account_ids=account_ids),
        potentials=potentials_frame(account_ids=account_ids),
        marks=marks_frame(account_ids=account_ids),
        estimates=estimates_frame(year=year, sectors=sectors),
    )
