"""Groups scored as a whole: each subsidiary's figures summed into the top of its group."""

from __future__ import annotations

import numpy as np
import pandas as pd

MAX_DEPTH = 20  # deeper chains are cycles or data errors: the walk stops there


def group_roots(parents: pd.Series, members: pd.Index) -> pd.Series:
    """The top of each member's group among `members` (itself when it has no parent there); index: members.

    `parents` maps account id → parent id. A parent outside `members` (a former customer, say) ends the walk, and
    so does a cycle, after MAX_DEPTH steps.
    """
    parent_of = parents[parents.index.isin(members) & parents.isin(members)]
    roots = pd.Series(members, index=members)
    for _ in range(MAX_DEPTH):
        step = roots.map(parent_of)
        moved = step.notna()
        if not moved.any():
            break
        roots = roots.where(~moved, step).astype(roots.dtype)
    return roots


def roll_up(frame: pd.DataFrame, roots: pd.Series, *, weighted: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per group top: sums of every column (NaN when no member has a value), indexed by the top's id.

    `weighted` names columns that are rates, averaged weighted by another column instead of summed, e.g.
    {"revenue_growth": "last_year_revenue"}.
    """
    weighted = weighted or {}
    root = roots.reindex(frame.index)
    summed = frame.drop(columns=list(weighted)).groupby(root).sum(min_count=1)
    for rate, weight in weighted.items():
        usable = frame[rate].notna() & frame[weight].notna()
        w = frame[weight].where(usable)
        numerator = (frame[rate] * w).groupby(root).sum(min_count=1)
        denominator = w.groupby(root).sum(min_count=1)
        summed[rate] = numerator / denominator.where(denominator != 0, np.nan)
    summed.index.name = frame.index.name
    return summed[list(frame.columns)]
