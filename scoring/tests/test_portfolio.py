"""Pareto and headroom figures on hand-computed portfolios."""

from __future__ import annotations

import math

import pandas as pd

from scoring.analytics import headroom_by_segment, pareto


def test_pareto_on_a_ten_account_portfolio():
    # Revenue 50, 30, 5, 5, 4, 2, 1, 1, 1, 1 = 100; effort 1 each except the small ones at 3.
    frame = pd.DataFrame({"revenue": [50, 30, 5, 5, 4, 2, 1, 1, 1, 1], "effort": [1, 1, 1, 1, 1, 3, 3, 3, 3, 3]})
    figures = pareto(frame)
    assert figures["top20_revenue_share"] == 80.0  # the top 2 accounts make 80
    assert figures["accounts_for_80"] == 20.0
    # 95 % is reached after 50+30+5+5+4+2 = 96 (6 accounts): the last 4 make the tail.
    assert figures["tail_accounts_share"] == 40.0
    assert figures["tail_effort_share"] == 60.0  # 12 of 20 effort units


def test_pareto_of_an_empty_portfolio_is_undefined_not_an_error():
    assert math.isnan(pareto(pd.DataFrame({"revenue": []}))["top20_revenue_share"])


def test_headroom_by_segment_adds_only_positive_gaps():
    frame = pd.DataFrame(
        {
            "segment": ["loyal_core", "loyal_core", "small", ""],
            "revenue": [100, 300, 50, 10],
            "potential": [400, 200, 150, None],
        }
    )
    table = headroom_by_segment(frame)
    assert table.loc["loyal_core", "headroom"] == 300  # 300 + 0 (revenue above potential counts 0)
    assert table.loc["small", "headroom"] == 100
    assert table.loc["unscored", "headroom"] == 0
    assert table.loc["total", "headroom"] == 400
    assert table.loc["loyal_core", "headroom_share"] == 75.0
