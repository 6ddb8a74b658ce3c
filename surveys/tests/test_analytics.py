"""Survey numbers on small hand-made frames: NPS, role-weighted indices, split, trend, alerts, portfolio."""

from __future__ import annotations

import pandas as pd
import pytest

from surveys import analytics

WEIGHTS = {"decision_maker": 3.0, "user": 1.0}


def _answers(rows: list[tuple]) -> pd.DataFrame:
    """rows: (campaign, account, response, role, kind, dimension, number)."""
    return pd.DataFrame(rows, columns=list(analytics.empty_answers().columns)).astype({"number": float})


def _invitations(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["campaign_id", "account_id", "buying_role", "responded"])


def test_nps_is_promoters_minus_detractors_in_percent():
    answers = _answers([(1, 10, r, "user", "nps", "", n) for r, n in enumerate([10, 9, 7, 3], start=1)])
    nps = analytics.nps_by_account(answers).loc[(1, 10)]
    assert nps.nps == 25  # (2 promoters − 1 detractor) / 4
    assert nps.nps_answers == 4 and nps.dm_detractors == 0


def test_a_decision_makers_rating_counts_its_role_weight():
    answers = _answers(
        [(1, 10, 1, "decision_maker", "rating", "product", 10), (1, 10, 2, "user", "rating", "product", 1)]
    )
    # 10 → 100 and 1 → 0 on the 0–100 scale; weights 3 and 1.
    assert analytics.dimension_indices(answers, WEIGHTS).loc[(1, 10), "product"] == 75.0
    assert analytics.dimension_indices(answers, {}).loc[(1, 10), "product"] == 50.0


def test_overall_index_averages_each_respondent_then_weighs_by_role():
    answers = _answers(
        [
            (1, 10, 1, "decision_maker", "rating", "product", 10),
            (1, 10, 1, "decision_maker", "rating", "relationship", 1),  # this respondent: 50
            (1, 10, 2, "user", "rating", "product", 10),  # this one: 100
            (1, 10, 2, "user", "text", "", None),
        ]
    )
    assert analytics.overall_index(answers, WEIGHTS).loc[(1, 10)] == pytest.approx((50 * 3 + 100) / 4, abs=0.1)


def test_product_and_relationship_are_judged_apart():
    product = pd.Series([90.0, 20.0, 90.0, 20.0, None])
    relationship = pd.Series([20.0, 90.0, 90.0, 20.0, 50.0])
    assert analytics.split_labels(product, relationship).tolist() == [
        "product_only",
        "relationship_only",
        "both",
        "neither",
        "unknown",
    ]


def _two_campaigns() -> tuple[pd.DataFrame, pd.Series]:
    answers = _answers(
        [
            # campaign 1: account 10 rated 9 (88.9), account 20 rated 5 (44.4)
            (1, 10, 1, "decision_maker", "rating", "product", 9),
            (1, 20, 2, "user", "rating", "product", 5),
            # campaign 2: account 10 falls to 6 (55.6) and its decision maker is a detractor; 20 rises to 6
            (2, 10, 3, "decision_maker", "rating", "product", 6),
            (2, 10, 3, "decision_maker", "nps", "", 4),
            (2, 20, 4, "user", "rating", "product", 6),
        ]
    )
    invitations = _invitations(
        [
            (1, 10, "decision_maker", True),
            (1, 20, "user", True),
            (2, 10, "decision_maker", True),
            (2, 10, "user", False),
            (2, 20, "user", True),
            (2, 20, "decision_maker", False),
        ]
    )
    order = pd.Series(pd.to_datetime(["2025-03-31", "2025-10-31"]), index=[1, 2])
    results = analytics.account_results(answers, invitations, WEIGHTS)
    return analytics.with_trend(results, order), order


def test_trend_compares_each_account_with_its_previous_campaign():
    trended, order = _two_campaigns()
    assert trended.loc[(2, 10), "overall_change"] == pytest.approx(55.6 - 88.9, abs=0.1)
    assert trended.loc[(2, 20), "overall_change"] == pytest.approx(55.6 - 44.4, abs=0.1)
    assert trended.loc[(2, 10), "response_rate"] == 50.0
    latest = analytics.latest_per_account(trended, order)
    assert latest.campaign_id.tolist() == [2, 2]
    assert analytics.ranked_by_drop(latest).index.tolist() == [10]


def test_alerts_for_a_drop_a_detractor_decision_maker_and_no_decision_maker_once_closed():
    trended, _order = _two_campaigns()
    drop_points = pd.Series({1: 10, 2: 10})
    open_alerts = analytics.alerts(trended, drop_points, closed=set())
    assert set(zip(open_alerts.account_id, open_alerts.kind, strict=True)) == {(10, "drop"), (10, "dm_detractor")}
    closed_alerts = analytics.alerts(trended, drop_points, closed={1, 2})
    # Account 20's decision maker never answered; campaign 1 never asked one there either.
    assert (20, "no_dm") in set(zip(closed_alerts.account_id, closed_alerts.kind, strict=True))
    # A drop of 33 points passes a 40-point threshold silently.
    assert "drop" not in set(analytics.alerts(trended, pd.Series({1: 40, 2: 40}), closed=set()).kind)


def test_portfolio_summary_by_segment():
    trended, order = _two_campaigns()
    latest = analytics.latest_per_account(trended, order)
    accounts = pd.DataFrame({"segment": ["loyal_core", "small"], "tier": ["gold", "gold"]}, index=[10, 20])
    by_segment = analytics.portfolio_summary(latest, accounts, "segment")
    assert by_segment.loc["loyal_core", "overall"] == pytest.approx(55.6, abs=0.1)
    by_tier = analytics.portfolio_summary(latest, accounts, "tier")
    assert by_tier.loc["gold", "accounts"] == 2


def test_rating_index_runs_from_zero_to_a_hundred():
    assert analytics.rating_index(pd.Series([1, 10, 7])).round(1).tolist() == [0.0, 100.0, 66.7]
