"""The dashboard's numbers on small frames computed by hand."""

from __future__ import annotations

import math

import pandas as pd

from portfolio import dashboard


def _frame(rows: list[tuple]) -> pd.DataFrame:
    columns = ["account_id", "name", "segment", "is_key", "revenue", "previous_revenue", "potential"]
    frame = pd.DataFrame(rows, columns=columns).set_index("account_id")
    frame["value_score"] = [90.0, 70.0, 40.0, 10.0][: len(frame)]
    frame["potential_score"] = [80.0, 20.0, 60.0, None][: len(frame)]
    frame["has_plan"] = [True, False, False, False][: len(frame)]
    frame["coverage"] = ["green", "red", None, None][: len(frame)]
    return frame


PORTFOLIO = _frame(
    [
        (1, "Alpha", "loyal_core", True, 600.0, 500.0, 800.0),
        (2, "Beta", "high_potential", True, 200.0, 250.0, 1000.0),
        (3, "Gamma", "large_flat", False, 150.0, 150.0, 100.0),
        (4, "Delta", "", False, 50.0, None, None),
    ]
)


def test_headline_gives_key_share_growth_and_plan_coverage():
    figures = dashboard.headline(PORTFOLIO)
    assert figures["accounts"] == 4 and figures["key_accounts"] == 2
    assert figures["key_revenue_share"] == 80.0  # (600 + 200) / 1000
    # Delta has no previous year: left out. (600 + 200 + 150) / (500 + 250 + 150) - 1 = 5.6 %
    assert figures["revenue_growth"] == 5.6
    assert figures["key_revenue_growth"] == 6.7  # 800 / 750 - 1
    assert figures["key_with_plan_share"] == 50.0


def test_headline_of_an_empty_selection_has_no_shares():
    figures = dashboard.headline(PORTFOLIO.iloc[0:0])
    assert figures["accounts"] == 0
    assert math.isnan(figures["key_revenue_share"]) and math.isnan(figures["revenue_growth"])


def test_matrix_keeps_scored_accounts_key_ones_first_within_the_limit():
    points = dashboard.matrix_points(PORTFOLIO, limit=2)
    assert list(points.name) == ["Alpha", "Beta"]
    everyone = dashboard.matrix_points(PORTFOLIO, limit=10)
    assert "Delta" not in set(everyone.name)  # no potential score: not placed
    assert set(everyone.segment) == {"loyal_core", "high_potential", "large_flat"}


def test_pareto_curve_is_cumulative_and_reaches_everything():
    curve = dashboard.pareto_curve(PORTFOLIO, points=5)  # 0, 25, 50, 75, 100 % of accounts
    assert list(curve.accounts_share) == [0, 25, 50, 75, 100]
    assert list(curve.revenue_share) == [0.0, 60.0, 80.0, 95.0, 100.0]
    figures = dashboard.pareto_figures(PORTFOLIO)
    assert figures["accounts_for_80"] == 50.0  # Alpha + Beta make 80 %


def test_headroom_by_segment_and_top_accounts():
    table = dashboard.headroom_table(PORTFOLIO)
    assert list(table.index) == ["loyal_core", "high_potential", "large_flat", "unscored"]
    assert table.loc["high_potential", "headroom"] == 800
    assert table.loc["large_flat", "headroom"] == 0  # revenue above potential: never negative
    top = dashboard.top_headroom(PORTFOLIO, n=5)
    assert list(top.name) == ["Beta", "Alpha"]
    assert list(top.headroom) == [800.0, 200.0]


def test_migrations_count_moves_between_segments_and_key_status():
    scores = pd.DataFrame(
        {
            "previous_segment": ["small", "small", "loyal_core", ""],
            "segment": ["high_potential", "small", "large_flat", "small"],
            "was_key": [False, False, True, None],
            "is_key": [True, False, False, False],
        }
    )
    table = dashboard.segment_migrations(scores)
    assert table.loc["small", "high_potential"] == 1
    assert table.loc["small", "small"] == 1
    assert table.loc["loyal_core", "large_flat"] == 1
    assert int(table.to_numpy().sum()) == 3  # the first-time account is left out
    assert dashboard.key_migrations(scores) == {"entered": 1, "left": 1, "stayed": 0}


def test_coverage_counts_key_accounts_by_quality():
    table = dashboard.coverage_by_segment(PORTFOLIO)
    assert table.loc["loyal_core", "green"] == 1
    assert table.loc["high_potential", "red"] == 1
    assert int(table.to_numpy().sum()) == 2


def test_progress_by_segment_counts_objectives_by_status():
    objectives = pd.DataFrame({"account_id": [1, 1, 2, 99], "status": ["on_track", "off_track", "at_risk", "on_track"]})
    table = dashboard.progress_by_segment(objectives, PORTFOLIO)
    assert table.loc["loyal_core"].to_dict() == {"on_track": 1, "at_risk": 0, "off_track": 1, "not_measured": 0}
    assert table.loc["high_potential", "at_risk"] == 1
    assert int(table.to_numpy().sum()) == 3  # account 99 is not in the selection


def test_satisfaction_and_nps_by_segment_and_quarter():
    answers = pd.DataFrame(
        {
            "account_id": [1, 1, 1, 1, 2, 2],
            "response_id": [1, 1, 2, 3, 4, 4],
            "buying_role": ["user"] * 6,
            "period": ["2026-Q1", "2026-Q1", "2026-Q1", "2026-Q2", "2026-Q2", "2026-Q2"],
            "kind": ["rating", "nps", "nps", "rating", "nps", "rating"],
            "number": [10, 10, 5, 1, 9, 4],
        }
    )
    trend = dashboard.satisfaction_by_segment(answers, PORTFOLIO, {})
    first = trend[(trend.segment == "loyal_core") & (trend.period == "2026-Q1")].iloc[0]
    assert first.satisfaction == 100.0 and first.nps == 0.0  # one promoter, one detractor
    assert trend[(trend.segment == "loyal_core") & (trend.period == "2026-Q2")].iloc[0].satisfaction == 0.0
    key = dashboard.key_satisfaction(answers, PORTFOLIO, {})
    # Latest quarter: ratings 1 and 4 -> 0 and 33.3 ; NPS one promoter -> 100.
    assert key == {"satisfaction": 16.7, "nps": 100.0}


def test_satisfaction_weighs_each_respondent_by_buying_role_as_the_survey_pages_do():
    # A decision maker (weight 3) rates 2 twice, a user (weight 1) rates 10: per respondent 11.1 and 100.
    answers = pd.DataFrame(
        {
            "account_id": [1, 1, 1],
            "response_id": [1, 1, 2],
            "buying_role": ["decision_maker", "decision_maker", "user"],
            "period": ["2026-Q1"] * 3,
            "kind": ["rating"] * 3,
            "number": [2, 2, 10],
        }
    )
    weights = {"decision_maker": 3.0, "user": 1.0}
    assert dashboard.key_satisfaction(answers, PORTFOLIO, weights)["satisfaction"] == round((3 * 100 / 9 + 100) / 4, 1)
    trend = dashboard.satisfaction_by_segment(answers, PORTFOLIO, weights)
    assert trend.iloc[0].satisfaction == round((3 * 100 / 9 + 100) / 4, 1)
