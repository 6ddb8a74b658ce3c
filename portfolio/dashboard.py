"""The executive dashboard's numbers, as pure pandas functions (DataFrame in, DataFrame or dict out, no ORM).

The portfolio frame (see portfolio.frames) is indexed by account id with columns: name, segment, is_key,
revenue, previous_revenue, potential, value_score, potential_score, has_plan (a plan in force),
coverage (red / amber / green, or NaN).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from scoring.analytics import headroom_by_segment, pareto
from surveys.analytics import rating_index

SEGMENT_ORDER = ["loyal_core", "high_potential", "large_flat", "small", "unscored"]
QUALITY_ORDER = ["red", "amber", "green"]
PROGRESS_ORDER = ["on_track", "at_risk", "off_track", "not_measured"]


def _percent(part: float, whole: float) -> float:
    return round(100 * part / whole, 1) if whole else math.nan


def _growth(frame: pd.DataFrame) -> float:
    """Revenue growth of the accounts with revenue in both years, in %."""
    both = frame.dropna(subset=["revenue", "previous_revenue"])
    previous = both.previous_revenue.sum()
    return round(100 * (both.revenue.sum() / previous - 1), 1) if previous else math.nan


def headline(frame: pd.DataFrame) -> dict[str, float]:
    """The figures at the top of the dashboard."""
    key = frame[frame.is_key.astype(bool)]
    revenue = frame.revenue.fillna(0).sum()
    return {
        "accounts": len(frame),
        "key_accounts": len(key),
        "key_revenue_share": _percent(key.revenue.fillna(0).sum(), revenue),
        "revenue": float(revenue),
        "revenue_growth": _growth(frame),
        "key_revenue_growth": _growth(key),
        "key_with_plan_share": _percent(key.has_plan.astype(bool).sum(), len(key)),
    }


def segment_of(frame: pd.DataFrame) -> pd.Series:
    return frame.segment.replace("", "unscored").fillna("unscored")


def matrix_points(frame: pd.DataFrame, *, limit: int = 300) -> pd.DataFrame:
    """Scored accounts for the value × potential matrix: every key account, then the largest, `limit` at most."""
    scored = frame.dropna(subset=["value_score", "potential_score"])
    ranked = scored.assign(_key=scored.is_key.astype(bool), _revenue=scored.revenue.fillna(0))
    ranked = ranked.sort_values(["_key", "_revenue"], ascending=[False, False]).head(limit)
    return ranked.drop(columns=["_key", "_revenue"]).assign(segment=lambda f: segment_of(f))


def pareto_curve(frame: pd.DataFrame, *, points: int = 101) -> pd.DataFrame:
    """Cumulative share of revenue (%) against the share of accounts (%), sampled at `points` evenly spaced shares."""
    revenue = np.sort(frame.revenue.fillna(0).clip(lower=0).to_numpy(dtype=float))[::-1]
    shares = np.linspace(0, 100, points)
    if len(revenue) == 0 or revenue.sum() == 0:
        return pd.DataFrame({"accounts_share": shares, "revenue_share": np.full(points, np.nan)})
    cumulative = np.concatenate([[0.0], np.cumsum(revenue) / revenue.sum() * 100])
    positions = np.linspace(0, 100, len(cumulative))
    return pd.DataFrame({"accounts_share": shares, "revenue_share": np.interp(shares, positions, cumulative).round(1)})


def pareto_figures(frame: pd.DataFrame) -> dict[str, float]:
    return pareto(frame[["revenue"]].astype(float))


def headroom_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Headroom per segment (scoring's rule) without the total row, in the segments' order."""
    table = headroom_by_segment(frame[["segment", "revenue", "potential"]])
    table = table.drop(index="total", errors="ignore")
    return table.reindex([s for s in SEGMENT_ORDER if s in table.index])


def top_headroom(frame: pd.DataFrame, *, n: int = 10) -> pd.DataFrame:
    """The accounts with the most untapped potential (potential minus revenue)."""
    headroom = (frame.potential.astype(float) - frame.revenue.fillna(0).astype(float)).clip(lower=0)
    ranked = frame.assign(headroom=headroom).dropna(subset=["headroom"])
    ranked = ranked[ranked.headroom > 0]
    return ranked.sort_values("headroom", ascending=False).head(n)


def segment_migrations(scores: pd.DataFrame) -> pd.DataFrame:
    """Accounts moving from one segment (rows) to another (columns) in a run; scores: previous_segment, segment.

    Accounts scored for the first time (no previous segment) are left out.
    """
    moved = scores[scores.previous_segment.fillna("") != ""]
    order = [s for s in SEGMENT_ORDER if s != "unscored"]
    if moved.empty:
        return pd.DataFrame(0, index=order, columns=order)
    table = _counts(moved.previous_segment, moved.segment.replace("", "unscored"))
    table = table.reindex(index=order, columns=order + ["unscored"], fill_value=0)
    return table if table["unscored"].sum() else table.drop(columns="unscored")


def key_migrations(scores: pd.DataFrame) -> dict[str, int]:
    """Accounts entering and leaving key status in a run; scores: was_key (None on a first run), is_key."""
    compared = scores.dropna(subset=["was_key"])
    was, now = compared.was_key.astype(bool), compared.is_key.astype(bool)
    return {"entered": int((~was & now).sum()), "left": int((was & ~now).sum()), "stayed": int((was & now).sum())}


def coverage_by_segment(frame: pd.DataFrame) -> pd.DataFrame:
    """Key accounts per segment (rows) and map quality red / amber / green (columns)."""
    key = frame[frame.is_key.astype(bool)].dropna(subset=["coverage"])
    if key.empty:
        return pd.DataFrame(columns=QUALITY_ORDER, dtype=int)
    table = _counts(segment_of(key), key.coverage)
    return table.reindex(columns=QUALITY_ORDER, fill_value=0).reindex([s for s in SEGMENT_ORDER if s in table.index])


def progress_by_segment(objectives: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Objectives of plans in force per segment (rows) and status (columns); objectives: account_id, status."""
    if objectives.empty:
        return pd.DataFrame(columns=PROGRESS_ORDER, dtype=int)
    joined = objectives.join(segment_of(frame).rename("segment"), on="account_id", how="inner")
    if joined.empty:
        return pd.DataFrame(columns=PROGRESS_ORDER, dtype=int)
    table = _counts(joined.segment, joined.status)
    return table.reindex(columns=PROGRESS_ORDER, fill_value=0).reindex([s for s in SEGMENT_ORDER if s in table.index])


def with_enough_answers(answers: pd.DataFrame, min_answers: int) -> pd.DataFrame:
    """The answers of accounts with at least `min_answers` responses in that campaign, as the survey pages count.

    answers: campaign_id, account_id, response_id, ... (rows of accounts below the minimum are left out).
    """
    if answers.empty or min_answers <= 1:
        return answers
    responses = answers.groupby(["campaign_id", "account_id"]).response_id.transform("nunique")
    return answers[responses >= min_answers]


def _respondent_satisfaction(ratings: pd.DataFrame, weights: dict[str, float], keys: list[str]) -> pd.Series:
    """As the survey pages count it: each respondent's mean 0–100 index, then their buying-role-weighted mean."""
    per_response = (
        ratings.assign(index=rating_index(ratings.number))
        .groupby([*keys, "response_id"])
        .agg(index=("index", "mean"), role=("buying_role", "first"))
    )
    weight = per_response.role.map(weights).fillna(1.0).astype(float)
    weighted = (per_response["index"] * weight).groupby(level=keys).sum()
    return weighted / weight.groupby(level=keys).sum()


def satisfaction_by_segment(answers: pd.DataFrame, frame: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """Satisfaction (0–100, weighted by buying role as on the survey pages) and NPS per segment and period.

    answers: account_id, response_id, buying_role, period (sortable label, e.g. "2026-Q1"), kind ("rating" 1–10
    or "nps" 0–10), number. Out: segment, period, satisfaction, nps, answers.
    """
    columns = ["segment", "period", "satisfaction", "nps", "answers"]
    if answers.empty:
        return pd.DataFrame(columns=columns)
    data = answers.dropna(subset=["number"]).join(segment_of(frame).rename("segment"), on="account_id", how="inner")
    nps = data[data.kind == "nps"].assign(
        score=lambda f: np.where(f.number >= 9, 100.0, np.where(f.number <= 6, -100.0, 0.0))
    )
    keys = ["segment", "period"]
    result = pd.concat(
        [
            _respondent_satisfaction(data[data.kind == "rating"], weights, keys).rename("satisfaction"),
            nps.groupby(keys).score.mean().rename("nps"),
            data.groupby(keys).size().rename("answers"),
        ],
        axis=1,
    ).reset_index()
    result["satisfaction"] = result.satisfaction.astype(float).round(1)
    result["nps"] = result.nps.astype(float).round(0)
    return result[columns].sort_values(keys, key=lambda s: s.map(_segment_rank) if s.name == "segment" else s)


def key_satisfaction(answers: pd.DataFrame, frame: pd.DataFrame, weights: dict[str, float]) -> dict[str, float]:
    """Satisfaction (0–100, role-weighted per respondent) and NPS of the key accounts in the latest period."""
    key_ids = frame.index[frame.is_key.astype(bool)]
    data = answers[answers.account_id.isin(key_ids)].dropna(subset=["number"]) if not answers.empty else answers
    if data.empty:
        return {"satisfaction": math.nan, "nps": math.nan}
    data = data[data.period == data.period.max()].assign(all="all")
    ratings = data[data.kind == "rating"]
    nps = data[data.kind == "nps"].number.astype(float)
    satisfaction = _respondent_satisfaction(ratings, weights, ["all"]) if len(ratings) else pd.Series(dtype=float)
    return {
        "satisfaction": round(float(satisfaction.iloc[0]), 1) if len(satisfaction) else math.nan,
        "nps": round(float(100 * ((nps >= 9).mean() - (nps <= 6).mean())), 0) if len(nps) else math.nan,
    }


def _counts(rows: pd.Series, columns: pd.Series) -> pd.DataFrame:
    """A count table like pd.crosstab, several times faster on 10,000 rows."""
    return (
        pd.DataFrame({"r": rows.to_numpy(), "c": columns.to_numpy()}).groupby(["r", "c"]).size().unstack(fill_value=0)
    )


def _segment_rank(segment: str) -> int:
    return SEGMENT_ORDER.index(segment) if segment in SEGMENT_ORDER else len(SEGMENT_ORDER)
