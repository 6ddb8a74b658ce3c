"""Whitespace maths over the whole portfolio: pure pandas, frames in, frames out, no ORM.

Frames (long format, one row per account × line unless said):
- accounts: index account_id; columns sector (str, "" when unknown), size (float, NaN when unknown).
- revenue: columns account_id, line_id, revenue (the year in use; only lines the account bought).
- pipeline: columns account_id, line_id, pipeline (open deals' amounts).
- potentials: columns account_id, line_id, potential, reason (entered by the key account manager).
- marks: columns account_id, line_id, kind, competitor (cells the manager qualified).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SOLD, PIPELINE, COMPETITOR, NOT_RELEVANT, UNTOUCHED = "sold", "pipeline", "competitor", "not_relevant", "untouched"
ENTERED, ESTIMATED = "entered", "estimated"
CELL_COLUMNS = [
    "account_id",
    "line_id",
    "status",
    "revenue",
    "pipeline",
    "potential",
    "potential_source",
    "reason",
    "peers",
    "competitor",
]


def size_bands(size: pd.Series, edges: list[float]) -> pd.Series:
    """Each account's size band (0 = smallest) from increasing limits; NaN when the size is unknown."""
    bins = [-np.inf, *sorted(float(edge) for edge in edges), np.inf]
    return pd.cut(size, bins=bins, labels=False, right=False).astype(float)


def peer_estimates(
    accounts: pd.DataFrame, revenue: pd.DataFrame, *, edges: list[float], min_peers: int
) -> pd.DataFrame:
    """What comparable accounts spend on each line: the median over the peers that buy it.

    Peers share the account's sector and size band. An account with no sector or no size has no peers, and a
    line fewer than `min_peers` peers buy gets no estimate: nothing is filled in. The estimate is given only
    for lines the account does not buy itself (a line it buys is sold, not whitespace), so its own spend never
    counts in its own estimate. Returns account_id, line_id, estimate, peers (buyers it rests on).
    """
    columns = ["account_id", "line_id", "estimate", "peers"]
    groups = pd.DataFrame(
        {"sector": accounts["sector"].fillna(""), "band": size_bands(accounts["size"], edges)}, index=accounts.index
    )
    groups = groups[(groups.sector != "") & groups.band.notna()]
    if groups.empty or revenue.empty:
        return pd.DataFrame(columns=columns)
    groups = groups.rename_axis("account_id").reset_index()
    bought = revenue[revenue.revenue > 0].merge(groups, on="account_id")
    per_group = (
        bought.groupby(["sector", "band", "line_id"])["revenue"].agg(estimate="median", peers="count").reset_index()
    )
    per_group = per_group[per_group.peers >= min_peers]
    cells = groups.merge(per_group, on=["sector", "band"])
    own = revenue.loc[revenue.revenue > 0, ["account_id", "line_id"]].assign(own=True)
    cells = cells.merge(own, on=["account_id", "line_id"], how="left")
    cells = cells[cells.own.isna()]
    return cells[columns].astype({"peers": int}).reset_index(drop=True)


def whitespace_cells(
    *,
    account_ids: list[int],
    line_ids: list[int],
    revenue: pd.DataFrame,
    pipeline: pd.DataFrame,
    potentials: pd.DataFrame,
    marks: pd.DataFrame,
    estimates: pd.DataFrame,
) -> pd.DataFrame:
    """One row per account × line with what the cell says, facts first.

    Sold (revenue in the year in use) beats in pipeline (open deals), which beats the manager's marks
    (competitor, not relevant): data that contradicts a mark wins, the mark stays stored. Every other cell is
    untouched, with a potential entered by the manager if there is one, else the peers' estimate, else none.
    """
    grid = pd.MultiIndex.from_product([account_ids, line_ids], names=["account_id", "line_id"]).to_frame(index=False)
    if grid.empty:
        return pd.DataFrame(columns=CELL_COLUMNS)
    keys = ["account_id", "line_id"]
    cells = grid.merge(revenue[[*keys, "revenue"]], on=keys, how="left")
    cells = cells.merge(pipeline[[*keys, "pipeline"]], on=keys, how="left")
    cells = cells.merge(potentials[[*keys, "potential", "reason"]], on=keys, how="left")
    cells = cells.merge(marks[[*keys, "kind", "competitor"]], on=keys, how="left")
    cells = cells.merge(estimates[[*keys, "estimate", "peers"]], on=keys, how="left")
    sold = cells.revenue.fillna(0) > 0
    in_pipeline = ~sold & (cells.pipeline.fillna(0) > 0)
    unmarked = ~sold & ~in_pipeline
    cells["status"] = np.select(
        [sold, in_pipeline, unmarked & (cells.kind == COMPETITOR), unmarked & (cells.kind == NOT_RELEVANT)],
        [SOLD, PIPELINE, COMPETITOR, NOT_RELEVANT],
        default=UNTOUCHED,
    )
    entered = cells.potential.notna()
    estimated = ~entered & cells.estimate.notna()
    cells["potential_source"] = np.select([entered, estimated], [ENTERED, ESTIMATED], default="")
    cells["potential"] = cells.potential.where(entered, cells.estimate)
    cells["peers"] = cells.peers.where(estimated)
    cells["reason"] = cells.reason.where(entered, "")
    cells["competitor"] = cells.competitor.where(cells.status == COMPETITOR, "")
    return cells[CELL_COLUMNS]


def open_whitespace(cells: pd.DataFrame) -> pd.DataFrame:
    """The untouched cells that have a potential (entered or estimated): the revenue still to win."""
    return cells[(cells.status == UNTOUCHED) & cells.potential.notna()]


def whitespace_per_account(cells: pd.DataFrame) -> pd.Series:
    """Per account, the potential of its untouched cells; accounts with no potential known are left out."""
    return open_whitespace(cells).groupby("account_id")["potential"].sum()


def lines_bought(revenue: pd.DataFrame) -> pd.Series:
    """Per account, how many lines it bought in the year (accounts with line data only)."""
    return (revenue.revenue > 0).groupby(revenue.account_id).sum().astype(float)


def whitespace_by_segment(cells: pd.DataFrame, segments: pd.Series) -> pd.DataFrame:
    """The heat map: potential still to win per segment (rows) × line (columns); empty cells are NaN."""
    open_cells = open_whitespace(cells)
    open_cells = open_cells.assign(segment=open_cells.account_id.map(segments)).dropna(subset=["segment"])
    return open_cells.pivot_table(index="segment", columns="line_id", values="potential", aggfunc="sum")


def top_untouched(cells: pd.DataFrame, *, limit: int = 10) -> pd.DataFrame:
    """The largest untouched cells by potential, entered ones first on a tie."""
    open_cells = open_whitespace(cells)
    return open_cells.sort_values(["potential", "potential_source"], ascending=[False, True]).head(limit)
