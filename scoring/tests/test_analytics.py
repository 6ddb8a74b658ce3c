"""Strategic account scoring maths: plain functions on DataFrames, no database."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring.analytics import (
    CHANGES,
    SEGMENTS,
    TIERS,
    Axis,
    CriterionSpec,
    Cutoffs,
    MissingPolicy,
    Normalisation,
    Thresholds,
    explain,
    key_stabilise,
    migrations,
    normalise,
    score_portfolio,
)

FIXED = Normalisation.FIXED
MINMAX = Normalisation.MINMAX
PERCENTILE = Normalisation.PERCENTILE


def rating(key: str, *, weight: float = 1.0, axis: Axis = Axis.VALUE, **options) -> CriterionSpec:
    """A 0-10 manual rating: FIXED normalisation makes norms easy to compute by hand."""
    options.setdefault("normalisation", FIXED)
    if options["normalisation"] == FIXED:
        options.setdefault("fixed_min", 0)
        options.setdefault("fixed_max", 10)
    return CriterionSpec(key=key, weight=weight, axis=axis, **options)


def frame(columns: dict[str, list[float]], ids: str | None = None) -> pd.DataFrame:
    size = len(next(iter(columns.values())))
    return pd.DataFrame(columns, index=pd.Index(list(ids or "ABCDEFGH"[:size]), name="account"), dtype=float)


# Four accounts, four criteria, weights 4/1/3/2 (sum 10), so every figure below is computed by hand:
#   revenue (minmax 100-900): A 0,  B 25,  C 50, D 100      margin (fixed 0-50): A 20, B 50, C 80, D 10
#   growth (minmax 0-20):     A 50, B 100, C 0,  D 75       rating (fixed 0-10): A 80, B 60, C 20, D 50
HAND_CRITERIA = [
    CriterionSpec("revenue", 4, Axis.VALUE, normalisation=MINMAX),
    CriterionSpec("margin", 1, Axis.VALUE, normalisation=FIXED, fixed_min=0, fixed_max=50),
    CriterionSpec("growth", 3, Axis.POTENTIAL, normalisation=MINMAX),
    CriterionSpec("rating", 2, Axis.FIT, normalisation=FIXED, fixed_min=0, fixed_max=10),
]
HAND_FRAME = frame(
    {"revenue": [100, 300, 500, 900], "margin": [10, 25, 40, 5], "growth": [10, 20, 0, 15], "rating": [8, 6, 2, 5]}
)
HAND_TOTALS = {"A": 33.0, "B": 57.0, "C": 32.0, "D": 73.5}  # e.g. A: 0×.4 + 20×.1 + 50×.3 + 80×.2
HAND_VALUE = {"A": 4.0, "B": 30.0, "C": 56.0, "D": 82.0}  # (4 × revenue + 1 × margin) / 5
HAND_POTENTIAL = {"A": 62.0, "B": 84.0, "C": 8.0, "D": 65.0}  # (3 × growth + 2 × rating) / 5


def hand_result(thresholds: Thresholds | None = None) -> pd.DataFrame:
    return score_portfolio(HAND_FRAME, HAND_CRITERIA, thresholds or Thresholds())


# --- validation -------------------------------------------------------------------------------------------


def test_two_criteria_are_refused():
    with pytest.raises(ValueError, match="between 3 and 8 criteria are needed, got 2"):
        score_portfolio(frame({"a": [1], "b": [2]}), [rating("a"), rating("b")])


def test_nine_criteria_are_refused():
    keys = [f"c{i}" for i in range(9)]
    with pytest.raises(ValueError, match="between 3 and 8 criteria are needed, got 9"):
        score_portfolio(frame({key: [1.0] for key in keys}), [rating(key) for key in keys])


@pytest.mark.parametrize("weight", [0, -1.5, math.nan, math.inf])
def test_weight_that_is_not_positive_is_refused(weight):
    with pytest.raises(ValueError, match="criterion 'b': weight must be a positive number"):
        score_portfolio(frame({"a": [1], "b": [2], "c": [3]}), [rating("a"), rating("b", weight=weight), rating("c")])


def test_missing_column_is_refused_by_name():
    with pytest.raises(ValueError, match="columns missing from the data: margin"):
        score_portfolio(HAND_FRAME.drop(columns="margin"), HAND_CRITERIA)


def test_repeated_criterion_key_is_refused():
    with pytest.raises(ValueError, match="criterion keys must be unique: a repeated"):
        score_portfolio(frame({"a": [1], "b": [2]}), [rating("a"), rating("b"), rating("a")])


def test_fixed_normalisation_without_bounds_is_refused():
    spec = CriterionSpec("a", 1, Axis.VALUE, normalisation=FIXED, fixed_min=0)
    with pytest.raises(ValueError, match="fixed normalisation needs finite fixed_min and fixed_max"):
        normalise(pd.Series([1.0, 2.0]), spec)


def test_text_column_is_refused():
    data = frame({"a": [1], "b": [2], "c": [3]}).astype({"c": object})
    data["c"] = ["high"]
    with pytest.raises(ValueError, match="column 'c' must hold numbers"):
        score_portfolio(data, [rating("a"), rating("b"), rating("c")])


@pytest.mark.parametrize(
    ("thresholds", "message"),
    [
        (Thresholds(gold=1.5), "gold threshold must be between 0 and 1 in quantile mode"),
        (Thresholds(mode="absolute", value=120, gold=90, silver=60), "value threshold must be between 0 and 100"),
        (Thresholds(gold=0.5, silver=0.6), "the gold threshold must not be below the silver threshold"),
    ],
)
def test_thresholds_out_of_range_are_refused(thresholds, message):
    with pytest.raises(ValueError, match=message):
        hand_result(thresholds)


def test_every_problem_is_reported_at_once():
    with pytest.raises(ValueError) as error:
        score_portfolio(frame({"a": [1]}), [rating("a", weight=0), rating("b")])
    message = str(error.value)
    assert "got 2" in message
    assert "weight must be a positive number" in message
    assert "columns missing from the data: b" in message


# --- normalisation ----------------------------------------------------------------------------------------


def test_percentile_averages_ties_and_keeps_missing_values_missing():
    values = pd.Series([10, 20, 20, 40, np.nan], index=list("ABCDE"))
    result = normalise(values, rating("x", normalisation=PERCENTILE))
    # ranks 1, 2.5, 2.5, 4 among the 4 accounts that have a value
    assert result.iloc[:4].tolist() == pytest.approx([25.0, 62.5, 62.5, 100.0])
    assert math.isnan(result["E"])
    assert result.index.tolist() == list("ABCDE")


def test_percentile_gives_100_to_the_lowest_value_when_lower_is_better():
    values = pd.Series([10.0, 20, 20, 40])
    result = normalise(values, rating("x", normalisation=PERCENTILE, higher_is_better=False))
    assert result.tolist() == pytest.approx([100.0, 62.5, 62.5, 25.0])


@pytest.mark.parametrize("higher_is_better", [True, False])
def test_percentile_equals_pandas_rank_with_ties_negatives_and_zeros(higher_is_better):
    rng = np.random.default_rng(42)
    values = np.concatenate([rng.normal(0, 5, 500).round(1), [0.0, -0.0, 0.0, -3.5, -3.5, 1e300, -1e300, np.nan]])
    series = pd.Series(rng.permutation(values))
    expected = series.rank(method="average", pct=True, ascending=higher_is_better) * 100
    result = normalise(series, rating("x", normalisation=PERCENTILE, higher_is_better=higher_is_better))
    pd.testing.assert_series_equal(result, expected, check_exact=False, rtol=1e-12)


def test_minmax_spans_0_to_100_and_flips_when_lower_is_better():
    values = pd.Series([10.0, 20, 30, np.nan])
    up = normalise(values, rating("x", normalisation=MINMAX))
    down = normalise(values, rating("x", normalisation=MINMAX, higher_is_better=False))
    assert up.iloc[:3].tolist() == pytest.approx([0.0, 50.0, 100.0])
    assert down.iloc[:3].tolist() == pytest.approx([100.0, 50.0, 0.0])
    assert math.isnan(up.iloc[3]) and math.isnan(down.iloc[3])


def test_minmax_puts_a_constant_column_in_the_middle():
    result = normalise(pd.Series([7.0, 7.0, np.nan]), rating("x", normalisation=MINMAX))
    assert result.iloc[:2].tolist() == [50.0, 50.0]
    assert math.isnan(result.iloc[2])


def test_fixed_clips_to_its_bounds_and_flips_when_lower_is_better():
    values = pd.Series([-2.0, 5, 12, np.nan])
    up = normalise(values, rating("x"))
    down = normalise(values, rating("x", higher_is_better=False))
    assert up.iloc[:3].tolist() == pytest.approx([0.0, 50.0, 100.0])
    assert down.iloc[:3].tolist() == pytest.approx([100.0, 50.0, 0.0])
    assert math.isnan(up.iloc[3])


# --- missing values ---------------------------------------------------------------------------------------

FOUR_RATINGS = frame({"a": [8, 2], "b": [np.nan, 4], "c": [6, 6], "d": [4, 8]}, ids="XY")


def four_ratings(policy: MissingPolicy) -> list[CriterionSpec]:
    return [
        rating(key, axis=axis, missing=policy)
        for key, axis in zip("abcd", [Axis.VALUE, Axis.VALUE, Axis.POTENTIAL, Axis.IMAGE], strict=True)
    ]


def test_skip_rescores_the_account_on_the_other_criteria_at_a_third_each():
    result = score_portfolio(FOUR_RATINGS, four_ratings(MissingPolicy.SKIP))
    x = result.loc["X"]
    assert math.isnan(x["norm_b"])
    assert x["scored_on"] == 3
    assert [x["points_a"], x["points_b"], x["points_c"], x["points_d"]] == pytest.approx([80 / 3, 0, 60 / 3, 40 / 3])
    assert x["total_score"] == 60.0  # (80 + 60 + 40) / 3
    assert x["value_score"] == 80.0  # only "a" is left on the value axis
    assert result.loc["Y", "total_score"] == 50.0  # (20 + 40 + 60 + 80) / 4: not affected
    assert result.loc["Y", "scored_on"] == 4


def test_zero_gives_the_missing_criterion_no_points_and_keeps_its_weight():
    x = score_portfolio(FOUR_RATINGS, four_ratings(MissingPolicy.ZERO)).loc["X"]
    assert x["norm_b"] == 0.0
    assert x["scored_on"] == 4
    assert x["total_score"] == 45.0  # (80 + 0 + 60 + 40) / 4


def test_zero_is_the_worst_score_even_when_lower_is_better():
    specs = [rating("a", missing=MissingPolicy.ZERO, higher_is_better=False), rating("b"), rating("c")]
    result = score_portfolio(frame({"a": [np.nan, 10], "b": [5, 5], "c": [5, 5]}), specs)
    assert result["norm_a"].tolist() == [0.0, 0.0]


def test_median_fills_the_median_normalised_score_of_the_others():
    data = frame({"a": [0, 10, 40, np.nan], "b": [1, 2, 3, 4], "c": [1, 2, 3, 4]})
    specs = [rating("a", normalisation=MINMAX, missing=MissingPolicy.MEDIAN), rating("b"), rating("c")]
    result = score_portfolio(data, specs)
    assert result["norm_a"].tolist() == pytest.approx([0.0, 25.0, 100.0, 25.0])
    assert result["missing_a"].tolist() == [False, False, False, True]
    assert result.loc["D", "scored_on"] == 3


def test_median_of_a_criterion_nobody_has_is_the_middle_of_the_scale():
    data = frame({"a": [np.nan, np.nan], "b": [1, 2], "c": [1, 2]})
    result = score_portfolio(data, [rating("a", missing=MissingPolicy.MEDIAN), rating("b"), rating("c")])
    assert result["norm_a"].tolist() == [50.0, 50.0]


def test_account_skipped_on_every_criterion_is_left_unscored_and_not_key():
    data = frame({"a": [np.nan, 8, 2], "b": [np.nan, 7, 3], "c": [np.nan, 9, 1]})
    result = score_portfolio(data, [rating(key, missing=MissingPolicy.SKIP) for key in "abc"])
    a = result.loc["A"]
    assert a["scored_on"] == 0
    assert math.isnan(a["total_score"]) and math.isnan(a["value_score"])
    assert pd.isna(a["rank"]) and pd.isna(a["segment"]) and pd.isna(a["tier"])
    assert not a["is_key"]
    assert result.loc["B", "rank"] == 1 and result.loc["C", "rank"] == 2


# --- scores and ranks -------------------------------------------------------------------------------------


def test_hand_computed_four_account_portfolio():
    result = hand_result()
    assert result["norm_revenue"].tolist() == pytest.approx([0, 25, 50, 100])
    assert result["norm_margin"].tolist() == pytest.approx([20, 50, 80, 10])
    assert result["norm_growth"].tolist() == pytest.approx([50, 100, 0, 75])
    assert result["norm_rating"].tolist() == pytest.approx([80, 60, 20, 50])
    assert result.loc["A", ["points_revenue", "points_margin", "points_growth", "points_rating"]].tolist() == (
        pytest.approx([0.0, 2.0, 15.0, 16.0])
    )
    assert result["total_score"].to_dict() == HAND_TOTALS
    assert result["value_score"].to_dict() == HAND_VALUE
    assert result["potential_score"].to_dict() == HAND_POTENTIAL
    assert result["rank"].to_dict() == {"A": 3, "B": 2, "C": 4, "D": 1}
    assert result["scored_on"].tolist() == [4, 4, 4, 4]


def test_result_keeps_the_account_index_and_documented_columns():
    result = hand_result()
    keys = [spec.key for spec in HAND_CRITERIA]
    expected = [f"{prefix}_{key}" for prefix in ("norm", "points", "missing", "filled") for key in keys] + [
        "value_score",
        "potential_score",
        "total_score",
        "rank",
        "segment",
        "tier",
        "is_key",
        "scored_on",
        "scored",
        "missing_share",
        "value_real",
        "potential_real",
    ]
    assert result.columns.tolist() == expected
    assert result.index.equals(HAND_FRAME.index)


def test_total_is_the_sum_of_the_points():
    result = hand_result()
    points = result.filter(like="points_").sum(axis=1)
    assert (points.round(1) == result["total_score"]).all()


def test_equal_totals_share_the_best_rank():
    data = frame({"a": [5, 8, 5, 1], "b": [5, 8, 5, 1], "c": [5, 8, 5, 1]})
    result = score_portfolio(data, [rating(key) for key in "abc"])
    assert result["rank"].tolist() == [2, 1, 2, 4]


def test_vectorised_scores_match_a_row_by_row_computation():
    rng = np.random.default_rng(3)
    data = pd.DataFrame(rng.normal(50, 20, (60, 5)), columns=list("abcde"))
    data = data.mask(rng.random(data.shape) < 0.2)
    specs = [
        CriterionSpec("a", 3, Axis.VALUE, missing=MissingPolicy.SKIP),
        CriterionSpec("b", 1, Axis.VALUE, normalisation=MINMAX, higher_is_better=False, missing=MissingPolicy.ZERO),
        CriterionSpec("c", 2, Axis.POTENTIAL, normalisation=FIXED, fixed_min=20, fixed_max=80),
        CriterionSpec("d", 1.5, Axis.FIT, missing=MissingPolicy.SKIP),
        CriterionSpec("e", 0.5, Axis.IMAGE, normalisation=MINMAX, missing=MissingPolicy.SKIP),
    ]
    result = score_portfolio(data, specs)
    total_weight = sum(spec.weight for spec in specs)
    lacking = {
        account: sum(spec.weight for spec in specs if math.isnan(row[spec.key])) / total_weight
        for account, row in data.iterrows()
    }
    eligible = data[[lacking[account] <= 0.5 for account in data.index]]
    assert 0 < len(eligible) < len(data)  # the data exercises both cases
    for account, row in data.iterrows():
        if account not in eligible.index:
            assert math.isnan(result.loc[account, "total_score"])
            assert not result.loc[account, "scored"]
            continue
        norms, weights = {}, {}
        for spec in specs:
            column = normalise(eligible[spec.key], spec)
            value, weight = column[account], spec.weight
            if math.isnan(row[spec.key]) and spec.missing == MissingPolicy.ZERO:
                value = 0.0
            elif math.isnan(row[spec.key]) and spec.missing == MissingPolicy.MEDIAN:
                value, weight = column.median(), spec.weight * 0.5  # a filled-in median counts half
            if not math.isnan(value):
                norms[spec.key], weights[spec.key] = value, weight
        expected = sum(norms[key] * weight for key, weight in weights.items()) / sum(weights.values())
        assert result.loc[account, "total_score"] == pytest.approx(round(expected, 1), abs=1e-9)
        assert result.loc[account, "scored_on"] == len(norms)


# --- segments, tiers, key accounts ------------------------------------------------------------------------


def test_segments_from_quantile_thresholds():
    result = hand_result()
    # medians: value 43.0 (of 4, 30, 56, 82), potential 63.5 (of 62, 84, 8, 65)
    assert result.attrs["cutoffs"] == Cutoffs(value=43.0, potential=63.5, gold=68.6, silver=52.2)
    assert result["segment"].to_dict() == {"A": "small", "B": "high_potential", "C": "large_flat", "D": "loyal_core"}


def test_segments_from_absolute_thresholds():
    result = hand_result(Thresholds(mode="absolute", value=50, potential=60, gold=70, silver=40))
    # A has potential 62 ≥ 60 now, where the quantile median (63.5) left it small
    assert result["segment"].to_dict() == {
        "A": "high_potential",
        "B": "high_potential",
        "C": "large_flat",
        "D": "loyal_core",
    }


def test_score_equal_to_its_threshold_counts_as_high():
    result = hand_result(Thresholds(mode="absolute", value=56, potential=62, gold=90, silver=60))
    assert result.loc["C", "segment"] == "large_flat"  # value 56 ≥ 56
    assert result.loc["A", "segment"] == "high_potential"  # potential 62 ≥ 62


def test_axis_without_criteria_is_nan_and_segments_follow_the_other_axis():
    data = frame({"a": [9, 7, 3, 1], "b": [9, 7, 3, 1], "c": [9, 7, 3, 1]})
    result = score_portfolio(data, [rating(key) for key in "abc"])
    assert result["potential_score"].isna().all()
    assert result.attrs["cutoffs"].potential != result.attrs["cutoffs"].potential  # NaN: nothing to cut
    # on the diagonal: high value → loyal_core (key), low value → small
    assert result["segment"].tolist() == ["loyal_core", "loyal_core", "small", "small"]
    assert result["is_key"].tolist() == [True, True, False, False]


def test_tiers_from_quantile_thresholds():
    result = hand_result()
    # totals 32, 33, 57, 73.5: the 0.9 quantile is 68.55 (gold from 68.6), the 0.6 quantile 52.2
    assert result["tier"].to_dict() == {"A": "bronze", "B": "silver", "C": "bronze", "D": "gold"}


def test_tiers_from_absolute_thresholds():
    result = hand_result(Thresholds(mode="absolute", gold=57, silver=33))
    assert result["tier"].to_dict() == {"A": "silver", "B": "gold", "C": "bronze", "D": "gold"}


def test_key_accounts_are_the_loyal_core_and_high_potential_segments_by_default():
    result = hand_result()
    assert result.index[result["is_key"]].tolist() == ["B", "D"]


def test_key_accounts_can_be_the_gold_tier():
    result = hand_result(Thresholds(key_accounts="gold"))
    assert result.index[result["is_key"]].tolist() == ["D"]


def test_key_accounts_can_be_those_above_a_total_score():
    # totals A 33, B 57, C 32, D 73.5
    result = hand_result(Thresholds(key_accounts="score", key_score=57))
    assert result.index[result["is_key"]].tolist() == ["B", "D"]


def test_key_accounts_can_be_the_top_n_ranks():
    result = hand_result(Thresholds(key_accounts="top_n", key_top_n=3))
    assert result.index[result["is_key"]].tolist() == ["A", "B", "D"]


def test_top_n_explanation_states_the_rank_and_the_limit():
    thresholds = Thresholds(key_accounts="top_n", key_top_n=2)
    result = hand_result(thresholds)
    key_line = explain(result.loc["A"], HAND_CRITERIA, thresholds)[-1]
    assert key_line["text"] == "not a key account: rank 3 is beyond the top 2"


def test_key_rule_without_a_sensible_limit_is_refused():
    with pytest.raises(ValueError, match="key_top_n must be a positive whole number"):
        hand_result(Thresholds(key_accounts="top_n", key_top_n=0))
    with pytest.raises(ValueError, match="key_score must be a score between 0 and 100"):
        hand_result(Thresholds(key_accounts="score", key_score=120))


def test_segment_and_tier_values_match_the_account_register():
    from accounts.models import Segment, Tier

    assert set(SEGMENTS) == set(Segment.values)
    assert set(TIERS) == set(Tier.values)


# --- explanation ------------------------------------------------------------------------------------------


def test_explanation_lists_every_criterion_and_its_points_sum_to_the_total():
    result = hand_result()
    for account in result.index:
        lines = explain(result.loc[account], HAND_CRITERIA, raw=HAND_FRAME.loc[account])
        criteria = [line for line in lines if line["kind"] == "criterion"]
        assert [line["key"] for line in criteria] == [spec.key for spec in HAND_CRITERIA]
        assert sum(line["points"] for line in criteria) == pytest.approx(HAND_TOTALS[account], abs=0.05)
        assert sum(line["weight_share"] for line in criteria) == pytest.approx(1.0)
    revenue = explain(result.loc["D"], HAND_CRITERIA, raw=HAND_FRAME.loc["D"])[0]
    assert revenue == {
        "kind": "criterion",
        "key": "revenue",
        "axis": "value",
        "raw": 900.0,
        "normalised": 100.0,
        "weight": 4.0,
        "weight_share": 0.4,
        "points": 40.0,
        "missing_policy": "median",
        "missing_policy_applied": False,
        "filled": False,
    }


def test_explanation_states_the_segment_tier_and_key_rules():
    result = hand_result()
    by_kind = {line["kind"]: line for line in explain(result.loc["B"], HAND_CRITERIA) if line["kind"] != "criterion"}
    assert by_kind["segment"]["outcome"] == "high_potential"
    assert by_kind["segment"]["text"] == (
        "value 30.0 < threshold 43.0 (quantile 0.5); potential 84.0 ≥ threshold 63.5 (quantile 0.5)"
    )
    assert by_kind["tier"]["outcome"] == "silver"
    assert by_kind["tier"]["text"] == (
        "total 57.0 < gold threshold 68.6 (quantile 0.9); total 57.0 ≥ silver threshold 52.2 (quantile 0.6)"
    )
    assert by_kind["key"] == {
        "kind": "key",
        "outcome": True,
        "text": "key account: segment high_potential is a key segment",
    }


def test_explanation_of_absolute_thresholds_works_from_a_bare_row():
    thresholds = Thresholds(mode="absolute", value=50, potential=60, gold=70, silver=40, key_accounts="gold")
    row = pd.Series(hand_result(thresholds).loc["C"].to_dict())  # e.g. read back from the database: no attrs
    by_kind = {line["kind"]: line for line in explain(row, HAND_CRITERIA, thresholds)}
    assert (
        by_kind["segment"]["text"]
        == "value 56.0 ≥ threshold 50.0 (absolute); potential 8.0 < threshold 60.0 (absolute)"
    )
    assert by_kind["key"]["text"] == "not a key account: tier bronze is not gold"


def test_explanation_flags_a_skipped_criterion():
    result = score_portfolio(FOUR_RATINGS, four_ratings(MissingPolicy.SKIP))
    lines = explain(result.loc["X"], four_ratings(MissingPolicy.SKIP))
    skipped = lines[1]
    assert skipped["key"] == "b"
    assert skipped["missing_policy_applied"] is True
    assert skipped["normalised"] is None
    assert skipped["weight_share"] == 0.0
    assert skipped["points"] == 0.0
    assert [line["weight_share"] for line in lines[:4]] == pytest.approx([1 / 3, 0, 1 / 3, 1 / 3])


def test_explanation_of_quantile_thresholds_needs_the_run_cutoffs():
    result = hand_result()
    row = pd.Series(result.loc["A"].to_dict())  # lost the run's attrs
    with pytest.raises(ValueError, match="pass cutoffs="):
        explain(row, HAND_CRITERIA)
    lines = explain(row, HAND_CRITERIA, cutoffs=result.attrs["cutoffs"])
    assert lines[-3]["text"].startswith("value 4.0 < threshold 43.0 (quantile 0.5)")


def test_explanation_refuses_thresholds_other_than_the_run_used():
    result = hand_result(Thresholds(gold=0.8))
    with pytest.raises(ValueError, match="other thresholds"):
        explain(result.loc["A"], HAND_CRITERIA, Thresholds())


# --- migrations between runs ------------------------------------------------------------------------------


def run(rows: dict[int, tuple[str, str, bool]]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index", columns=["segment", "tier", "is_key"])


def test_migrations_label_every_kind_of_change():
    previous = run(
        {
            1: ("large_flat", "silver", False),
            2: ("loyal_core", "gold", True),
            3: ("loyal_core", "gold", True),
            4: ("small", "bronze", False),
            5: ("small", "bronze", False),
            7: ("large_flat", "silver", False),
        }
    )
    current = run(
        {
            1: ("loyal_core", "silver", True),
            2: ("large_flat", "gold", False),
            3: ("high_potential", "gold", True),
            4: ("small", "bronze", False),
            5: ("small", "silver", False),
            6: ("high_potential", "silver", True),
        }
    )
    result = migrations(previous, current)
    assert result["change"].to_dict() == {
        1: "entered",
        2: "left",
        3: "moved",
        4: "unchanged",
        5: "moved",  # tier only
        6: "new",
        7: "gone",
    }
    assert set(result["change"]) <= set(CHANGES)
    assert result.columns.tolist() == [
        "previous_segment",
        "segment",
        "previous_tier",
        "tier",
        "was_key",
        "is_key",
        "change",
    ]
    assert result.loc[3, ["previous_segment", "segment"]].tolist() == ["loyal_core", "high_potential"]
    assert pd.isna(result.loc[6, "was_key"]) and pd.isna(result.loc[6, "previous_segment"])
    assert pd.isna(result.loc[7, "is_key"]) and result.loc[7, "was_key"] is np.False_


def test_migrations_between_two_scoring_runs():
    before = hand_result()
    after = score_portfolio(HAND_FRAME.assign(growth=[20, 10, 0, 15]), HAND_CRITERIA)  # A and B swap growth
    result = migrations(before, after)
    assert result.loc["A", "change"] == "entered"
    assert result.loc["B", "change"] == "left"
    assert (result.loc[["C", "D"], "change"] == "unchanged").all()


# --- not scored, filled-in values -------------------------------------------------------------------------


def test_an_account_missing_more_than_half_the_weights_is_not_scored():
    data = frame({"a": [8, 2, 5, np.nan], "b": [6, 4, np.nan, np.nan], "c": [9, 1, np.nan, np.nan]})
    result = score_portfolio(data, [rating("a"), rating("b"), rating("c")])
    assert result.scored.tolist() == [True, True, False, False]
    not_scored = result.loc[["C", "D"]]
    assert not_scored.total_score.isna().all() and not_scored["rank"].isna().all()
    assert not_scored.segment.isna().all() and not_scored.tier.isna().all()
    assert not not_scored.is_key.any()
    assert result.loc["C", "missing_share"] == pytest.approx(2 / 3)


def test_accounts_with_no_data_change_nobody_elses_result():
    specs = [rating("a", normalisation=PERCENTILE), rating("b", axis=Axis.POTENTIAL), rating("c")]
    data = frame({"a": [8, 2, 5, 7], "b": [6, 4, 3, 9], "c": [9, 1, 5, 2]})
    before = score_portfolio(data, specs, Thresholds(key_accounts="gold"))
    empty = pd.DataFrame(np.nan, index=pd.Index([f"N{i}" for i in range(30)], name="account"), columns=list("abc"))
    # one of them has a single value: still too little to be scored, and it must not move the percentiles
    empty.loc["N0", "a"] = 10
    after = score_portfolio(pd.concat([data, empty]), specs, Thresholds(key_accounts="gold"))
    columns = ["total_score", "rank", "segment", "tier", "is_key"]
    pd.testing.assert_frame_equal(after.loc[data.index, columns], before[columns])
    assert not after.loc[empty.index, "scored"].any()


def test_a_filled_in_median_counts_half_and_is_marked():
    data = frame({"a": [8, 2, 6], "b": [6, 4, np.nan], "c": [9, 1, 5]})
    result = score_portfolio(data, [rating("a"), rating("b"), rating("c")])
    c = result.loc["C"]
    assert c["filled_b"] and not c["filled_a"]
    assert c["norm_b"] == 50.0  # median of 60 and 40
    assert c["total_score"] == pytest.approx(round((60 + 0.5 * 50 + 50) / 2.5, 1))
    lines = explain(c, [rating("a"), rating("b"), rating("c")], cutoffs=result.attrs["cutoffs"])
    assert [line.get("filled") for line in lines[:3]] == [False, True, False]


# --- stable key status ------------------------------------------------------------------------------------


def _scored(totals: dict[str, float], thresholds: Thresholds) -> pd.DataFrame:
    data = frame({"a": [t / 10 for t in totals.values()], "b": [t / 10 for t in totals.values()]}, "".join(totals))
    data["c"] = data["a"]
    return score_portfolio(data, [rating("a"), rating("b"), rating("c")], thresholds)


def test_the_first_run_takes_the_rule_as_it_is():
    thresholds = Thresholds(key_accounts="score", key_score=70, key_band=5)
    result = _scored({"A": 80, "B": 68}, thresholds)
    stable = key_stabilise(result, None, thresholds)
    assert stable.rule_key.tolist() == [True, False]
    assert stable.key_reason.tolist() == ["entered", ""]


def test_a_key_account_within_the_band_stays_key_and_below_it_leaves():
    thresholds = Thresholds(key_accounts="score", key_score=70, key_band=5)
    result = _scored({"A": 67, "B": 64, "C": 69}, thresholds)
    previous = pd.DataFrame({"rule_key": [True, True, False], "key_pending": [0, 0, 0]}, index=result.index)
    stable = key_stabilise(result, previous, thresholds)
    assert stable.rule_key.tolist() == [True, False, False]
    assert stable.key_reason.tolist() == ["held_by_band", "left", ""]


def test_top_n_keeps_key_accounts_up_to_the_margin():
    thresholds = Thresholds(key_accounts="top_n", key_top_n=1, key_top_n_margin=1)
    result = _scored({"A": 90, "B": 80, "C": 70}, thresholds)
    previous = pd.DataFrame({"rule_key": [False, True, True], "key_pending": [0, 0, 0]}, index=result.index)
    stable = key_stabilise(result, previous, thresholds)
    assert stable.rule_key.tolist() == [True, True, False]  # B is rank 2 ≤ 1 + 1; C rank 3 leaves


def test_a_change_waits_for_the_confirming_runs():
    thresholds = Thresholds(key_accounts="score", key_score=70, key_confirm_runs=2)
    result = _scored({"A": 80, "B": 50}, thresholds)
    first = pd.DataFrame({"rule_key": [False, True], "key_pending": [0, 0]}, index=result.index)
    waiting = key_stabilise(result, first, thresholds)
    assert waiting.rule_key.tolist() == [False, True]
    assert waiting.key_reason.tolist() == ["waiting", "waiting"]
    confirmed = key_stabilise(result, waiting[["rule_key", "key_pending"]], thresholds)
    assert confirmed.rule_key.tolist() == [True, False]
    assert confirmed.key_reason.tolist() == ["entered", "left"]
    assert confirmed.key_pending.tolist() == [0, 0]


def test_a_key_account_without_enough_data_leaves_at_once():
    thresholds = Thresholds(key_accounts="score", key_score=70, key_confirm_runs=3)
    data = frame({"a": [9, np.nan], "b": [9, np.nan], "c": [9, 9]})
    result = score_portfolio(data, [rating("a"), rating("b"), rating("c")], thresholds)
    previous = pd.DataFrame({"rule_key": [True, True], "key_pending": [0, 0]}, index=result.index)
    stable = key_stabilise(result, previous, thresholds)
    assert stable.rule_key.tolist() == [True, False]
    assert stable.key_reason.tolist() == ["", "not_scored"]


def test_an_account_new_to_the_portfolio_is_not_key_before_its_confirming_runs():
    thresholds = Thresholds(key_accounts="score", key_score=70, key_confirm_runs=2)
    result = _scored({"A": 80, "N": 90}, thresholds)
    previous = pd.DataFrame({"rule_key": [True], "key_pending": [0]}, index=pd.Index(["A"], name="account"))
    stable = key_stabilise(result, previous, thresholds)
    assert stable.rule_key.tolist() == [True, False]
    assert stable.key_reason.tolist() == ["", "waiting"]


# --- groups -----------------------------------------------------------------------------------------------


def test_group_roots_walk_up_to_the_top_and_stop_at_cycles_and_outsiders():
    from scoring.analytics.groups import group_roots

    members = pd.Index([1, 2, 3, 4, 5, 6, 7], name="account_id")
    parents = pd.Series({2: 1, 3: 2, 5: 99, 6: 7, 7: 6})  # 3 → 2 → 1; 99 is not a member; 6 ↔ 7 is a cycle
    roots = group_roots(parents, members)
    assert roots.loc[[1, 2, 3, 4, 5]].tolist() == [1, 1, 1, 4, 5]
    assert set(roots.loc[[6, 7]]) <= {6, 7}


def test_roll_up_sums_figures_into_the_parent_and_weights_growth_by_revenue():
    from scoring.analytics.groups import roll_up

    data = pd.DataFrame(
        {"last_year_revenue": [100.0, 300.0, np.nan], "revenue_growth": [10.0, 20.0, 5.0], "potential": [1.0, 2, 3]},
        index=pd.Index([1, 2, 3], name="account_id"),
    )
    rolled = roll_up(data, pd.Series([1, 1, 3], index=data.index), weighted={"revenue_growth": "last_year_revenue"})
    assert rolled.index.tolist() == [1, 3]
    assert rolled.loc[1].tolist() == [400.0, 17.5, 3.0]
    assert math.isnan(rolled.loc[3, "last_year_revenue"]) and math.isnan(rolled.loc[3, "revenue_growth"])


def test_no_account_is_high_potential_on_filled_in_values_alone():
    specs = [rating("v", weight=3), rating("p", weight=2, axis=Axis.POTENTIAL)]
    specs.append(rating("q", weight=1, axis=Axis.POTENTIAL))
    data = frame({"v": [2, 3, 1, 9], "p": [9, 8, 2, np.nan], "q": [9, 8, 2, np.nan]})
    result = score_portfolio(data, specs, Thresholds(mode="absolute", value=50, potential=50))
    d = result.loc["D"]
    assert d.scored and not d.potential_real
    assert d.potential_score == 80.0  # the median of 90, 80, 20, filled in
    assert d.segment == "large_flat"  # high value, and no claim of high potential without potential data
    segment = next(line for line in explain(d, specs, cutoffs=result.attrs["cutoffs"]) if line["kind"] == "segment")
    assert "potential 80.0 from filled-in values only: not counted as high" in segment["text"]
