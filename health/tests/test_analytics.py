"""Health maths on frames computed by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from health.analytics import (
    DEFAULT_WEIGHTS,
    SIGNALS,
    crossings,
    drops,
    empty_raw,
    health_index,
    portfolio_health,
    signal_scores,
    slipping,
)

NAN = np.nan


def _raw(**columns) -> pd.DataFrame:
    raw = empty_raw(pd.Index([1, 2, 3], name="account_id"))
    for column, values in columns.items():
        raw[column] = values
    return raw


def test_each_signal_scores_by_its_rule():
    raw = _raw(
        satisfaction_index=[80, NAN, 40],
        satisfaction_change=[-10, NAN, 30],
        coverage_score=[70, 100, 0],
        key_people=[2, 0, 1],
        days_since_key_contact=[30, 10, 135],
        revenue_actual=[90, NAN, 150],
        revenue_target=[100, NAN, 100],
        reviews_scheduled=[3, NAN, 2],
        reviews_overdue=[1, NAN, 2],
        actions_total=[4, 0, 2],
        actions_overdue=[1, 0, 5],
        interactions_total=[10, 0, 3],
        incidents_logged=[1, 0, 0],
        payment_issues=[1, 0, 4],
        risk_exposure=[9, 0, 30],
    )
    scores = signal_scores(raw, silence_days=90)
    expected = pd.DataFrame(
        {
            "satisfaction": [80, NAN, 40],
            "satisfaction_trend": [25, NAN, 100],  # 50 + 2.5 × change, clipped
            "coverage": [70, 100, 0],
            "silence": [100, NAN, 50],  # within 90 days: 100; 135 days: (180 − 135) / 90; no key people: missing
            "revenue_vs_plan": [90, NAN, 100],  # capped at the target
            "overdue_reviews": [100 * 2 / 3, NAN, 0],
            "overdue_actions": [75, NAN, 0],  # no action ever: missing
            "incidents": [50, NAN, 0],  # 100 − 20 − 30; nothing ever logged: missing
            "open_risks": [64, 100, 0],  # 100 − 4 × exposure
        },
        index=raw.index,
    )
    pd.testing.assert_frame_equal(scores, expected[SIGNALS], check_dtype=False)


def test_never_met_decision_maker_scores_zero_on_silence():
    raw = _raw(key_people=[1, 1, 0], days_since_key_contact=[NAN, 180, NAN])
    assert signal_scores(raw, silence_days=90).silence.tolist()[:2] == [0.0, 0.0]


def test_weighted_mean_leaves_missing_signals_out_instead_of_filling_them():
    scores = pd.DataFrame({s: [NAN, NAN] for s in SIGNALS}, index=[1, 2])
    scores.loc[1, ["satisfaction", "coverage", "open_risks"]] = [60, 90, 100]
    weights = {"satisfaction": 3, "coverage": 2, "open_risks": 1, "incidents": 4}
    result = health_index(scores, weights)
    # (3 × 60 + 2 × 90 + 1 × 100) / (3 + 2 + 1): incidents (weight 4) has no data and leaves the mean
    assert result.loc[1, "health"] == pytest.approx(460 / 6, abs=0.05)
    assert result.loc[1, "known_weight"] == pytest.approx(6 / 10)
    assert result.loc[1, "missing"] == 1
    assert np.isnan(result.loc[1, "points_incidents"])
    points = result.loc[1, [f"points_{s}" for s in SIGNALS]].sum()
    assert points == pytest.approx(460 / 6)  # the points add up to the index
    assert np.isnan(result.loc[2, "health"])  # no signal at all: no figure, not 50
    assert result.loc[2, "missing"] == 4


def test_a_zero_weight_switches_a_signal_off():
    scores = pd.DataFrame({s: [50.0] for s in SIGNALS}, index=[1])
    scores.loc[1, "satisfaction"] = 0.0
    result = health_index(scores, {**DEFAULT_WEIGHTS, "satisfaction": 0})
    assert result.loc[1, "health"] == 50.0
    assert np.isnan(result.loc[1, "points_satisfaction"])


def test_portfolio_health_joins_scores_and_index():
    raw = _raw(coverage_score=[100, 50, 0])
    frame = portfolio_health(raw, {"coverage": 1, "open_risks": 1}, silence_days=90)
    assert frame.health.tolist() == [100.0, 75.0, 50.0]


def test_slipping_lists_the_largest_drops_first_and_ignores_rises_and_single_weeks():
    w1, w2, w3 = date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)
    history = pd.DataFrame(
        [
            (1, w1, 80.0), (1, w3, 60.0),  # −20
            (2, w1, 70.0), (2, w2, 65.0), (2, w3, 64.0),  # −6
            (3, w1, 50.0), (3, w3, 70.0),  # rise
            (4, w3, 10.0),  # one week only
            (5, w1, NAN), (5, w3, 40.0),  # no earlier figure
        ],
        columns=["account_id", "week", "score"],
    )  # fmt: skip
    table = slipping(history, n=10)
    assert table.index.tolist() == [1, 2]
    assert table["drop"].tolist() == [20.0, 6.0]
    assert slipping(history, n=1).index.tolist() == [1]
    assert slipping(history.iloc[0:0]).empty


def test_crossings_and_drops_compare_with_the_previous_snapshot():
    previous = pd.Series({1: 45.0, 2: 35.0, 3: 70.0})
    current = pd.Series({1: 39.0, 2: 30.0, 3: 50.0, 4: 20.0})
    assert sorted(crossings(previous, current, below=40)) == [1, 4]  # 2 was already below; 4 is new
    assert drops(previous, current, points=15).to_dict() == {3: 20.0}
