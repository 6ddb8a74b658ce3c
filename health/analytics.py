"""Health maths over a whole portfolio in pandas: raw signals in, 0–100 scores and a weighted index out.

No ORM here (health.frames reads the inputs). Every function is vectorised over the accounts.
A signal the data does not hold is NaN and leaves the weighted mean: it is never filled in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SIGNALS = [
    "satisfaction",
    "satisfaction_trend",
    "coverage",
    "silence",
    "revenue_vs_plan",
    "overdue_reviews",
    "overdue_actions",
    "incidents",
    "open_risks",
]

# The raw columns health.frames provides (NaN where unknown); tests build them by hand.
RAW_COLUMNS = [
    "satisfaction_index",  # latest overall satisfaction index, 0–100
    "satisfaction_change",  # points since the account's previous survey
    "coverage_score",  # relationship coverage, 0–100 (accounts.coverage)
    "key_people",  # active decision makers and champions
    "days_since_key_contact",  # days since the last interaction with one of them (NaN: never)
    "revenue_actual",  # revenue objectives of plans in force: latest recorded actuals, summed
    "revenue_target",  # and the targets of the same checkpoints
    "reviews_scheduled",  # review types with a cadence
    "reviews_overdue",  # of which overdue
    "actions_total",  # plan and review actions ever
    "actions_overdue",  # open and past due
    "interactions_total",  # interactions ever logged
    "incidents_logged",  # incidents logged within the window
    "payment_issues",  # payment issues logged within the window
    "risk_exposure",  # open risks: sum of likelihood × impact
    "risks_open",
]

DEFAULT_WEIGHTS = {
    "satisfaction": 3,
    "satisfaction_trend": 2,
    "coverage": 2,
    "silence": 2,
    "revenue_vs_plan": 2,
    "overdue_reviews": 1,
    "overdue_actions": 1,
    "incidents": 2,
    "open_risks": 2,
}

TREND_FULL_SWING = 20.0  # a change of ±20 points of satisfaction gives 0 or 100; no change gives 50
ACTION_OVERDUE_POINTS = 25.0
INCIDENT_POINTS = 20.0
PAYMENT_ISSUE_POINTS = 30.0
RISK_EXPOSURE_POINTS = 4.0  # one open 5 × 5 risk takes the signal to 0


def empty_raw(index: pd.Index | None = None) -> pd.DataFrame:
    return pd.DataFrame({column: np.nan for column in RAW_COLUMNS}, index=index if index is not None else [])


def _clip(values: pd.Series) -> pd.Series:
    return values.astype(float).clip(lower=0.0, upper=100.0)


def signal_scores(raw: pd.DataFrame, *, silence_days: int) -> pd.DataFrame:
    """Each signal on 0–100 (100 = healthy), NaN where the data does not say.

    - satisfaction: the survey index itself; missing without an answered survey;
    - satisfaction_trend: 50 + 2.5 × change (−20 points → 0, +20 → 100); missing without two surveys;
    - coverage: the map's coverage figure;
    - silence: 100 while the last contact with a decision maker or champion is at most N days old,
      falling to 0 at 2N days (never met: 0); missing when the map names none of them;
    - revenue_vs_plan: actual ÷ target of the revenue checkpoints recorded, capped at 100 %;
      missing without a recorded revenue checkpoint of a plan in force;
    - overdue_reviews: share of the scheduled review types that are not overdue; missing without a cadence;
    - overdue_actions: 100 − 25 per overdue action; missing for an account with no action at all;
    - incidents: 100 − 20 per incident − 30 per payment issue in the window; missing when nothing was ever logged;
    - open_risks: 100 − 4 × the open risks' likelihood × impact.
    """
    raw = raw.reindex(columns=RAW_COLUMNS).astype(float)
    scores = pd.DataFrame(index=raw.index)
    scores["satisfaction"] = _clip(raw.satisfaction_index)
    scores["satisfaction_trend"] = _clip(50.0 + raw.satisfaction_change * (50.0 / TREND_FULL_SWING))
    scores["coverage"] = _clip(raw.coverage_score)
    days = raw.days_since_key_contact.fillna(np.inf)
    silence = _clip((2 * silence_days - days) / silence_days * 100.0)
    scores["silence"] = silence.where(raw.key_people.fillna(0) > 0)
    target = raw.revenue_target.where(raw.revenue_target > 0)
    scores["revenue_vs_plan"] = _clip(raw.revenue_actual / target * 100.0)
    scheduled = raw.reviews_scheduled.where(raw.reviews_scheduled > 0)
    scores["overdue_reviews"] = _clip((1 - raw.reviews_overdue.fillna(0) / scheduled) * 100.0)
    overdue_actions = 100.0 - raw.actions_overdue.fillna(0) * ACTION_OVERDUE_POINTS
    scores["overdue_actions"] = _clip(overdue_actions.where(raw.actions_total.fillna(0) > 0))
    incidents = (
        100.0 - raw.incidents_logged.fillna(0) * INCIDENT_POINTS - raw.payment_issues.fillna(0) * PAYMENT_ISSUE_POINTS
    )
    scores["incidents"] = _clip(incidents.where(raw.interactions_total.fillna(0) > 0))
    scores["open_risks"] = _clip(100.0 - raw.risk_exposure.fillna(0) * RISK_EXPOSURE_POINTS)
    return scores[SIGNALS]


def health_index(scores: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """The weighted mean of the signals each account has, with each signal's points (they add up to health).

    Returns per account: health (NaN when no weighted signal is known), known_weight (the share of the
    total weight its known signals carry, 0–1), missing (how many weighted signals are unknown) and
    points_<signal> (NaN for an unknown signal).
    """
    w = pd.Series({signal: float(weights.get(signal, 0) or 0) for signal in SIGNALS})
    w = w[w > 0]
    known = scores[w.index].notna()
    used_weight = known.mul(w, axis=1).sum(axis=1)
    denominator = used_weight.where(used_weight > 0)
    weighted = scores[w.index].mul(w, axis=1)
    result = pd.DataFrame(index=scores.index)
    result["health"] = (weighted.sum(axis=1, min_count=1) / denominator).round(1)
    result["known_weight"] = used_weight / w.sum() if w.sum() else 0.0
    result["missing"] = (~known).sum(axis=1)
    for signal in SIGNALS:
        if signal in w.index:
            result[f"points_{signal}"] = weighted[signal] / denominator
        else:
            result[f"points_{signal}"] = np.nan
    return result


def portfolio_health(raw: pd.DataFrame, weights: dict[str, float], *, silence_days: int) -> pd.DataFrame:
    """signal_scores then health_index: the scores' columns beside the index's."""
    scores = signal_scores(raw, silence_days=silence_days)
    return scores.join(health_index(scores, weights))


def slipping(history: pd.DataFrame, *, n: int = 10) -> pd.DataFrame:
    """The accounts whose health fell most between their oldest and newest snapshot in `history`.

    history: account_id, week, score (the caller chooses the window, e.g. the last five weeks).
    Returns account_id-indexed rows: before, now, drop (points, positive), largest drop first.
    """
    frame = history.dropna(subset=["score"]).sort_values(["account_id", "week"])
    if frame.empty:
        return pd.DataFrame(columns=["before", "now", "drop"], index=pd.Index([], name="account_id"))
    grouped = frame.groupby("account_id").score
    table = pd.DataFrame({"before": grouped.first(), "now": grouped.last(), "weeks": grouped.size()})
    table["drop"] = table.before - table.now
    table = table[(table.weeks > 1) & (table["drop"] > 0)]
    return table.sort_values(["drop", "now"], ascending=[False, True]).head(n)[["before", "now", "drop"]]


def crossings(previous: pd.Series, current: pd.Series, *, below: float) -> pd.Index:
    """Accounts whose health is now below `below` and was not last time (or had no figure)."""
    now_below = current < below
    was_below = previous.reindex(current.index) < below
    return current.index[now_below & ~was_below]


def drops(previous: pd.Series, current: pd.Series, *, points: float) -> pd.Series:
    """Accounts whose health fell by at least `points` since the previous snapshot, with the fall."""
    fall = previous.reindex(current.index) - current
    return fall[fall >= points]
