"""Portfolio figures: the Pareto concentration of revenue and the revenue sleeping in the portfolio."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

TOP_SHARE = 0.2  # "20 % of customers ..."
TAIL_SHARE = 0.05  # "... and the accounts that make the last 5 % of revenue"


def pareto(frame: pd.DataFrame) -> dict[str, float]:
    """Concentration of revenue: columns `revenue` and, optionally, `effort` (e.g. interactions, hours).

    - top20_revenue_share: share of revenue made by the top 20 % of accounts (rounded up to whole accounts);
    - accounts_for_80: smallest share of accounts that together make 80 % of revenue;
    - tail_accounts_share: share of accounts that together make only the last 5 % of revenue;
    - tail_effort_share: share of effort spent on those accounts (NaN without an effort column).
    All in % (0-100). Accounts without revenue count as 0.
    """
    revenue = frame["revenue"].fillna(0).clip(lower=0).to_numpy(dtype=float)
    n, total = len(revenue), revenue.sum()
    if n == 0 or total == 0:
        return {
            "top20_revenue_share": math.nan,
            "accounts_for_80": math.nan,
            "tail_accounts_share": math.nan,
            "tail_effort_share": math.nan,
        }
    order = np.argsort(-revenue, kind="stable")
    cumulative = np.cumsum(revenue[order]) / total
    top = math.ceil(TOP_SHARE * n)
    for_80 = int(np.searchsorted(cumulative, 0.8 - 1e-12) + 1)
    # The tail: accounts after the point where 95 % of revenue is reached.
    head = int(np.searchsorted(cumulative, 1 - TAIL_SHARE - 1e-12) + 1)
    tail = order[head:]
    effort_share = math.nan
    if "effort" in frame:
        effort = frame["effort"].fillna(0).to_numpy(dtype=float)
        if effort.sum() > 0:
            effort_share = round(100 * effort[tail].sum() / effort.sum(), 1)
    return {
        "top20_revenue_share": round(100 * cumulative[top - 1], 1),
        "accounts_for_80": round(100 * for_80 / n, 1),
        "tail_accounts_share": round(100 * len(tail) / n, 1),
        "tail_effort_share": effort_share,
    }


def headroom_by_segment(frame: pd.DataFrame) -> pd.DataFrame:
    """Untapped headroom (potential minus revenue, never negative) per segment, with a total row.

    Columns in: `segment`, `revenue`, `potential`. Out, per segment: accounts, revenue, potential, headroom,
    headroom_share (% of the portfolio's headroom). Accounts without a potential have no headroom.
    """
    data = frame.assign(
        segment=frame["segment"].replace("", "unscored").fillna("unscored"),
        revenue=frame["revenue"].fillna(0).astype(float),
        potential=frame["potential"].astype(float),
    )
    data["headroom"] = (data.potential - data.revenue).clip(lower=0).fillna(0)
    grouped = data.groupby("segment", observed=True).agg(
        accounts=("revenue", "size"),
        revenue=("revenue", "sum"),
        potential=("potential", "sum"),
        headroom=("headroom", "sum"),
    )
    grouped.loc["total"] = grouped.sum()
    total = grouped.loc["total", "headroom"]
    grouped["headroom_share"] = (100 * grouped.headroom / total).round(1) if total else 0.0
    return grouped.sort_values("headroom", ascending=False)
