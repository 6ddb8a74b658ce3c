"""The whitespace maths on small frames whose answers are worked out by hand."""

from __future__ import annotations

import math

import pandas as pd

from growth.analytics import (
    COMPETITOR,
    ENTERED,
    ESTIMATED,
    NOT_RELEVANT,
    PIPELINE,
    SOLD,
    UNTOUCHED,
    lines_bought,
    peer_estimates,
    size_bands,
    top_untouched,
    whitespace_by_segment,
    whitespace_cells,
    whitespace_per_account,
)

EMPTY_PIPELINE = pd.DataFrame(columns=["account_id", "line_id", "pipeline"])
EMPTY_POTENTIALS = pd.DataFrame(columns=["account_id", "line_id", "potential", "reason"])
EMPTY_MARKS = pd.DataFrame(columns=["account_id", "line_id", "kind", "competitor"])


def _accounts(rows: dict[int, tuple[str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["sector", "size"])
    return frame.rename_axis("account_id")


def _revenue(rows: list[tuple[int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["account_id", "line_id", "revenue"])


def test_size_bands_put_unknown_sizes_in_no_band():
    bands = size_bands(pd.Series([5, 10, 49, 300, float("nan")]), [10, 50, 250])
    assert bands.iloc[:4].tolist() == [0, 1, 1, 3]
    assert math.isnan(bands.iloc[4])


def test_peer_estimate_is_the_median_of_the_peers_that_buy_the_line():
    # Accounts 1–4: same sector and band. 1, 2, 3 buy line 10 (100, 300, 200); 4 buys nothing.
    accounts = _accounts({1: ("Food", 20), 2: ("Food", 30), 3: ("Food", 40), 4: ("Food", 45)})
    revenue = _revenue([(1, 10, 100.0), (2, 10, 300.0), (3, 10, 200.0)])
    estimates = peer_estimates(accounts, revenue, edges=[10, 50], min_peers=3)
    assert estimates.to_dict("records") == [{"account_id": 4, "line_id": 10, "estimate": 200.0, "peers": 3}]


def test_no_estimate_below_the_minimum_number_of_peers():
    accounts = _accounts({1: ("Food", 20), 2: ("Food", 30), 4: ("Food", 45)})
    revenue = _revenue([(1, 10, 100.0), (2, 10, 300.0)])
    assert peer_estimates(accounts, revenue, edges=[10, 50], min_peers=3).empty
    lenient = peer_estimates(accounts, revenue, edges=[10, 50], min_peers=2)
    assert lenient.to_dict("records") == [{"account_id": 4, "line_id": 10, "estimate": 200.0, "peers": 2}]


def test_other_sectors_other_bands_and_unknown_profiles_are_not_peers():
    accounts = _accounts(
        {
            1: ("Food", 20),
            2: ("Food", 30),
            3: ("Steel", 30),  # other sector
            4: ("Food", 500),  # other band
            5: ("", 25),  # sector unknown
            6: ("Food", float("nan")),  # size unknown
            7: ("Food", 25),
        }
    )
    revenue = _revenue([(1, 10, 100.0), (2, 10, 300.0), (3, 10, 9000.0), (4, 10, 9000.0)])
    estimates = peer_estimates(accounts, revenue, edges=[10, 50], min_peers=2)
    assert estimates.account_id.tolist() == [7]
    assert estimates.estimate.tolist() == [200.0]


def test_cells_put_facts_before_marks_and_entered_potential_before_estimates():
    revenue = _revenue([(1, 10, 500.0)])
    pipeline = pd.DataFrame([(1, 11, 80.0), (1, 12, 60.0)], columns=["account_id", "line_id", "pipeline"])
    potentials = pd.DataFrame([(1, 14, 1000.0, "tender announced")], columns=EMPTY_POTENTIALS.columns)
    marks = pd.DataFrame(
        [(1, 10, COMPETITOR, "Acme"), (1, 12, NOT_RELEVANT, ""), (1, 13, COMPETITOR, "Acme")],
        columns=EMPTY_MARKS.columns,
    )
    estimates = pd.DataFrame(
        [(1, 14, 400.0, 5), (1, 15, 250.0, 4)], columns=["account_id", "line_id", "estimate", "peers"]
    )
    cells = whitespace_cells(
        account_ids=[1],
        line_ids=[10, 11, 12, 13, 14, 15, 16],
        revenue=revenue,
        pipeline=pipeline,
        potentials=potentials,
        marks=marks,
        estimates=estimates,
    ).set_index("line_id")
    assert cells.status.to_dict() == {
        10: SOLD,  # the data says we sell it, whatever the mark
        11: PIPELINE,
        12: PIPELINE,
        13: COMPETITOR,
        14: UNTOUCHED,
        15: UNTOUCHED,
        16: UNTOUCHED,
    }
    assert cells.loc[13, "competitor"] == "Acme"
    assert (cells.loc[14, "potential"], cells.loc[14, "potential_source"]) == (1000.0, ENTERED)
    assert cells.loc[14, "reason"] == "tender announced"
    assert math.isnan(cells.loc[14, "peers"])
    assert (cells.loc[15, "potential"], cells.loc[15, "potential_source"], cells.loc[15, "peers"]) == (
        250.0,
        ESTIMATED,
        4,
    )
    # Nothing known about line 16: no potential is made up.
    assert math.isnan(cells.loc[16, "potential"]) and cells.loc[16, "potential_source"] == ""


def test_portfolio_figures_add_up_only_what_is_known():
    revenue = _revenue([(1, 10, 500.0), (1, 11, 50.0), (2, 10, 0.0)])
    estimates = pd.DataFrame(
        [(2, 11, 300.0, 3), (3, 11, 100.0, 3), (3, 12, 40.0, 3)], columns=["account_id", "line_id", "estimate", "peers"]
    )
    potentials = pd.DataFrame([(2, 12, 700.0, "framework")], columns=EMPTY_POTENTIALS.columns)
    cells = whitespace_cells(
        account_ids=[1, 2, 3, 4],
        line_ids=[10, 11, 12],
        revenue=revenue,
        pipeline=EMPTY_PIPELINE,
        potentials=potentials,
        marks=EMPTY_MARKS,
        estimates=estimates,
    )
    assert whitespace_per_account(cells).to_dict() == {2: 1000.0, 3: 140.0}  # 1 buys all it could; 4 unknown
    assert lines_bought(revenue).to_dict() == {1: 2.0, 2: 0.0}
    heat = whitespace_by_segment(cells, pd.Series({1: "A", 2: "A", 3: "B"}))
    assert heat.loc["A", 11] == 300.0 and heat.loc["A", 12] == 700.0 and heat.loc["B", 12] == 40.0
    assert 10 not in heat.columns  # line 10 has no potential left anywhere
    top = top_untouched(cells, limit=2)
    assert list(zip(top.account_id, top.line_id, strict=True)) == [(2, 12), (2, 11)]
