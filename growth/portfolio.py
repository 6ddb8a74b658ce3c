"""The whitespace of the whole portfolio at once, for the scoring sources and the dashboard.

Every frame is read once for the whole portfolio (growth.frames loaders without account_ids: one query each)
and the cells are computed in pandas, never account by account.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from accounts.financial_year import financial_year_in_use
from accounts.models import LineRevenue, ProductLine
from growth import analytics, frames
from growth.models import PeerSettings


@dataclass
class PortfolioWhitespace:
    year: int | None
    cells: pd.DataFrame  # growth.analytics.CELL_COLUMNS, one row per account × current active line
    lines: dict[int, str]  # current active lines: id → name, in the catalogue's order


def portfolio_lines() -> dict[int, str]:
    return dict(ProductLine.objects.current().filter(is_active=True).order_by("name").values_list("pk", "name"))


def portfolio_whitespace(*, account_ids: Iterable[int], year: int | None = None) -> PortfolioWhitespace:
    """The whitespace cells of these accounts on every current active line, in the year in use unless given.

    Peers are found in the whole portfolio (a comparable account need not be among `account_ids`).
    """
    year = year if year is not None else financial_year_in_use()
    lines = portfolio_lines()
    # Read, never created, here: a page that only shows the whitespace writes nothing (defaults until saved).
    settings = PeerSettings.objects.filter(pk=1).first() or PeerSettings()
    revenue = frames.revenue_frame(year=year)
    profiles = frames.peer_profile_frame(settings=settings)
    estimates = analytics.peer_estimates(profiles, revenue, edges=settings.size_edges, min_peers=settings.min_peers)
    cells = analytics.whitespace_cells(
        account_ids=list(account_ids),
        line_ids=list(lines),
        revenue=revenue,
        pipeline=frames.pipeline_frame(),
        potentials=frames.potentials_frame(),
        marks=frames.marks_frame(),
        estimates=estimates,
    )
    cells = cells.astype({"potential": float, "revenue": float, "pipeline": float, "peers": float})
    return PortfolioWhitespace(year=year, cells=cells, lines=lines)


def whitespace_source(frame: pd.DataFrame) -> pd.Series:
    """Scoring source: per account, the potential of its untouched cells (entered, else estimated from peers).

    An account with no untouched cell left (every line sold, in pipeline, held or not relevant) has 0; one whose
    untouched cells have no potential known has no value, as has every account when there is no line.
    """
    whitespace = portfolio_whitespace(account_ids=frame.index)
    cells = whitespace.cells
    if cells.empty:
        return pd.Series(index=frame.index, dtype=float)
    values = analytics.whitespace_per_account(cells)
    untouched = cells.status == analytics.UNTOUCHED
    closed = ~untouched.groupby(cells.account_id).any()
    values = values.reindex(frame.index)
    return values.where(values.notna() | ~closed.reindex(frame.index, fill_value=False), 0.0).astype(float)


def lines_bought_source(frame: pd.DataFrame) -> pd.Series:
    """Scoring source: how many lines each account bought in the year in use.

    An account with revenue by line in some year but none in the year in use bought 0 lines that year; one with
    no revenue by line at all has no value (the data does not say, it is not 0).
    """
    revenue = frames.revenue_frame(year=financial_year_in_use())
    with_data = LineRevenue.objects.order_by().values_list("account_id", flat=True).distinct()
    known = frame.index.intersection(pd.Index(list(with_data)))
    counts = analytics.lines_bought(revenue).reindex(known, fill_value=0.0)
    return counts.reindex(frame.index).astype(float)
