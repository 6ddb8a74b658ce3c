"""The maths of strategic account scoring: weighted criteria → 0-100 scores, value × potential segments, tiers.

Pure pandas/numpy, no ORM: services read the raw criteria into a frame, call `score_portfolio`, store the result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

MIN_CRITERIA = 3
MAX_CRITERIA = 8

# Same values as accounts.models.Segment and Tier (a test keeps them in step); plain strings here so this
# module imports without the app registry.
LOYAL_CORE = "loyal_core"  # high value, high potential
HIGH_POTENTIAL = "high_potential"  # low value, high potential
LARGE_FLAT = "large_flat"  # high value, low potential
SMALL = "small"  # low value, low potential
SEGMENTS = (LOYAL_CORE, HIGH_POTENTIAL, LARGE_FLAT, SMALL)
KEY_SEGMENTS = frozenset({LOYAL_CORE, HIGH_POTENTIAL})
GOLD, SILVER, BRONZE = "gold", "silver", "bronze"
TIERS = (GOLD, SILVER, BRONZE)
CHANGES = ("entered", "left", "moved", "unchanged", "new", "gone")


class Axis(StrEnum):
    VALUE = "value"
    POTENTIAL = "potential"
    FIT = "fit"
    IMAGE = "image"


# Fit and image describe how much the account could become worth to us, so they count on the potential axis.
POTENTIAL_AXES = frozenset({Axis.POTENTIAL, Axis.FIT, Axis.IMAGE})


class Normalisation(StrEnum):
    PERCENTILE = "percentile"
    MINMAX = "minmax"
    FIXED = "fixed"


class MissingPolicy(StrEnum):
    ZERO = "zero"  # the account gets the worst normalised score (0), whatever the direction
    MEDIAN = "median"  # the median normalised score of the accounts that have a value (50 if none has)
    SKIP = "skip"  # the account is not scored on it and its other weights re-spread


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    weight: float
    axis: Axis
    higher_is_better: bool = True
    normalisation: Normalisation = Normalisation.PERCENTILE
    fixed_min: float | None = None  # for FIXED, e.g. 0 and 10 for a manual rating
    fixed_max: float | None = None
    missing: MissingPolicy = MissingPolicy.MEDIAN


@dataclass(frozen=True)
class Thresholds:
    """Where "high" starts on each axis and where the tiers start on the total score.

    In "quantile" mode each level is a quantile (0-1) of this run's scores; in "absolute" mode a score (0-100).
    A score equal to its threshold counts as high (or reaches the tier), every time.

    An account missing criteria worth more than `max_missing_share` of the weights is not scored. A value filled
    in by the MEDIAN policy counts `filled_weight` times as much as a real one. Key status is stable: once
    key, an account stays key down to `key_band` points below the entry level (score and gold rules) or down to
    rank N + `key_top_n_margin` (top N rule), and a change of status needs `key_confirm_runs` runs in a row.
    """

    mode: Literal["quantile", "absolute"] = "quantile"
    value: float = 0.5
    potential: float = 0.5
    gold: float = 0.9
    silver: float = 0.6
    # loyal_core + high_potential, the gold tier, a total score of at least key_score, or the key_top_n best ranks
    key_accounts: Literal["segments", "gold", "score", "top_n"] = "segments"
    key_score: float = 70.0
    key_top_n: int = 20
    max_missing_share: float = 0.5
    filled_weight: float = 0.5
    key_band: float = 0.0
    key_top_n_margin: int = 0
    key_confirm_runs: int = 1


@dataclass(frozen=True)
class Cutoffs:
    """Thresholds resolved on one run, in score points (NaN when no account has that score).

    Scores carry one decimal and cut-offs are rounded up to the next 0.1, so the comparison an explanation
    prints is exactly the one that decided.
    """

    value: float
    potential: float
    gold: float
    silver: float


# --- validation -------------------------------------------------------------------------------------------


def _enum_problem(value: object, enum: type[StrEnum], what: str, key: object) -> list[str]:
    try:
        enum(value)
    except ValueError:
        return [f"criterion {key!r}: {what} must be one of {', '.join(enum)}, got {value!r}"]
    return []


def _normalisation_problems(spec: CriterionSpec) -> list[str]:
    problems = _enum_problem(spec.normalisation, Normalisation, "normalisation", spec.key)
    if spec.normalisation == Normalisation.FIXED:
        bounds = (spec.fixed_min, spec.fixed_max)
        if any(b is None or not math.isfinite(b) for b in bounds):
            problems.append(f"criterion {spec.key!r}: fixed normalisation needs finite fixed_min and fixed_max")
        elif spec.fixed_max <= spec.fixed_min:  # type: ignore[operator]
            problems.append(f"criterion {spec.key!r}: fixed_max must be greater than fixed_min")
    return problems


def _criteria_problems(criteria: Sequence[CriterionSpec]) -> list[str]:
    problems = []
    if not MIN_CRITERIA <= len(criteria) <= MAX_CRITERIA:
        problems.append(f"between {MIN_CRITERIA} and {MAX_CRITERIA} criteria are needed, got {len(criteria)}")
    keys = [spec.key for spec in criteria]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        problems.append(f"criterion keys must be unique: {', '.join(duplicates)} repeated")
    for spec in criteria:
        if not isinstance(spec.key, str) or not spec.key:
            problems.append(f"criterion key must be a non-empty string, got {spec.key!r}")
        weight = spec.weight
        if (
            isinstance(weight, bool)
            or not isinstance(weight, int | float)
            or not (math.isfinite(weight) and weight > 0)
        ):
            problems.append(f"criterion {spec.key!r}: weight must be a positive number, got {weight!r}")
        problems += _enum_problem(spec.axis, Axis, "axis", spec.key)
        problems += _enum_problem(spec.missing, MissingPolicy, "missing policy", spec.key)
        problems += _normalisation_problems(spec)
    return problems


KEY_RULES = ("segments", "gold", "score", "top_n")


def _key_selection(
    thresholds: Thresholds, segment_codes: np.ndarray, tier_codes: np.ndarray, total: np.ndarray, rank: np.ndarray
) -> np.ndarray:
    rule = thresholds.key_accounts
    if rule == "gold":
        return tier_codes == 0
    if rule == "score":
        return np.nan_to_num(total, nan=-1.0) >= thresholds.key_score
    if rule == "top_n":  # ties at the N-th rank are all in: an equal score gets an equal treatment
        return np.nan_to_num(rank, nan=np.inf) <= thresholds.key_top_n
    return (segment_codes == 0) | (segment_codes == 1)


def _thresholds_problems(thresholds: Thresholds) -> list[str]:
    if thresholds.mode not in ("quantile", "absolute"):
        return [f"thresholds mode must be 'quantile' or 'absolute', got {thresholds.mode!r}"]
    problems = []
    top = 1.0 if thresholds.mode == "quantile" else 100.0
    for name in ("value", "potential", "gold", "silver"):
        level = getattr(thresholds, name)
        if not (isinstance(level, int | float) and 0 <= level <= top):
            problems.append(f"{name} threshold must be between 0 and {top:g} in {thresholds.mode} mode, got {level!r}")
    if not problems and thresholds.gold < thresholds.silver:
        problems.append("the gold threshold must not be below the silver threshold")
    if thresholds.key_accounts not in KEY_RULES:
        problems.append(f"key_accounts must be one of {', '.join(KEY_RULES)}, got {thresholds.key_accounts!r}")
    if thresholds.key_accounts == "score" and not (
        isinstance(thresholds.key_score, int | float) and 0 <= thresholds.key_score <= 100
    ):
        problems.append(f"key_score must be a score between 0 and 100, got {thresholds.key_score!r}")
    if thresholds.key_accounts == "top_n" and not (isinstance(thresholds.key_top_n, int) and thresholds.key_top_n > 0):
        problems.append(f"key_top_n must be a positive whole number, got {thresholds.key_top_n!r}")
    for name in ("max_missing_share", "filled_weight"):
        share = getattr(thresholds, name)
        if not (isinstance(share, int | float) and 0 <= share <= 1):
            problems.append(f"{name} must be between 0 and 1, got {share!r}")
    if not (isinstance(thresholds.key_band, int | float) and 0 <= thresholds.key_band <= 100):
        problems.append(f"key_band must be between 0 and 100 points, got {thresholds.key_band!r}")
    for name in ("key_top_n_margin", "key_confirm_runs"):
        count = getattr(thresholds, name)
        if not (isinstance(count, int) and count >= (1 if name == "key_confirm_runs" else 0)):
            problems.append(f"{name} must be a whole number, got {count!r}")
    return problems


def _raise(problems: list[str]) -> None:
    if problems:
        raise ValueError("; ".join(problems))


def _raw_matrix(frame: pd.DataFrame, criteria: Sequence[CriterionSpec]) -> np.ndarray:
    """The raw values as a criteria × accounts float array (NaN = missing): one contiguous row per criterion."""
    rows = []
    problems = []
    for spec in criteria:
        try:
            row = frame[spec.key].to_numpy(dtype="float64", na_value=np.nan)
        except (TypeError, ValueError):
            problems.append(f"column {spec.key!r} must hold numbers")
            continue
        if np.isinf(row).any():
            problems.append(f"column {spec.key!r} holds infinite values")
        rows.append(row)
    _raise(problems)
    return np.vstack(rows)


# --- normalisation and scores -----------------------------------------------------------------------------


def _percentile_ranks(values: np.ndarray, *, ascending: bool) -> np.ndarray:
    """pandas' `rank(method="average", pct=True) * 100`, about twice as fast on 100,000 values.

    Floats map to int64 keys that sort in the same order (argsort is much faster on int64), then each run of
    equal keys gets the mean of its 1-based positions.
    """
    present = ~np.isnan(values)
    known = (values[present] if ascending else -values[present]) + 0.0  # -0.0 + 0.0 is 0.0: one key for zero
    count = known.size
    out = np.full(values.shape, np.nan)
    if not count:
        return out
    bits = known.view(np.int64)
    keys = bits ^ ((bits >> 63) & np.int64(0x7FFF_FFFF_FFFF_FFFF))  # negatives: flip the magnitude bits
    order = np.argsort(keys)
    ordered = keys[order]
    run_starts = np.empty(count, dtype=bool)
    run_starts[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=run_starts[1:])
    starts = np.flatnonzero(run_starts)
    ends = np.append(starts[1:], count)
    ranks = np.empty(count)
    ranks[order] = ((starts + ends + 1) / 2)[np.cumsum(run_starts) - 1]
    out[present] = ranks / count * 100.0
    return out


def _normalise_array(values: np.ndarray, spec: CriterionSpec) -> np.ndarray:
    if spec.normalisation == Normalisation.PERCENTILE:
        # over the accounts that have a value: the best gets 100, the worst 100/n
        return _percentile_ranks(values, ascending=spec.higher_is_better)
    if spec.normalisation == Normalisation.MINMAX:
        present = ~np.isnan(values)
        if not present.any():
            return np.full_like(values, np.nan)
        low, high = np.nanmin(values), np.nanmax(values)
        if high == low:
            # one distinct value says nothing about the accounts: everyone in the middle
            return np.where(present, 50.0, np.nan)
        scaled = np.clip((values - low) * (100.0 / (high - low)), 0.0, 100.0)  # clip: rounding at the top
    else:
        low, high = spec.fixed_min, spec.fixed_max
        scaled = (np.clip(values, low, high) - low) * (100.0 / (high - low))  # type: ignore[operator]
    return scaled if spec.higher_is_better else 100.0 - scaled


def normalise(values: pd.Series, spec: CriterionSpec) -> pd.Series:
    """Raw values → 0-100, 100 being the best whatever the direction; NaN stays NaN.

    PERCENTILE: percentile rank (average ties, `pct=True`), MINMAX: linear between the observed min and max (a
    constant column gives 50), FIXED: linear between `fixed_min` and `fixed_max`, values outside clipped.
    """
    _raise(_normalisation_problems(spec))
    raw = values.to_numpy(dtype="float64", na_value=np.nan)
    return pd.Series(_normalise_array(raw, spec), index=values.index, name=values.name)


def _apply_missing(norm: np.ndarray, missing: np.ndarray, policy: MissingPolicy) -> None:
    """Fill in place the normalised scores of the accounts missing a value; SKIP leaves them NaN."""
    if policy == MissingPolicy.SKIP or not missing.any():
        return
    if policy == MissingPolicy.ZERO:
        np.copyto(norm, 0.0, where=missing)
        return
    known = norm[~np.isnan(norm)]  # the scored accounts' values: the not scored ones are NaN here
    # nobody has a value: no median, so the middle of the scale
    np.copyto(norm, np.median(known) if known.size else 50.0, where=missing)


def _quantile_on_grid(scores: np.ndarray, level: float) -> float:
    """`np.quantile` (linear) of scores on the 0.1 grid of 0-100, read off a histogram instead of sorting."""
    tenths = np.rint(scores[~np.isnan(scores)] * 10).astype(np.intp)
    if not tenths.size:
        return math.nan
    cumulative = np.cumsum(np.bincount(tenths, minlength=1001))
    position = level * (tenths.size - 1)
    below = math.floor(position)
    # the i-th smallest score is the first grid point whose cumulative count passes i
    lower, upper = np.searchsorted(cumulative, [below, min(below + 1, tenths.size - 1)], side="right")
    return float(lower + (upper - lower) * (position - below)) / 10


def _cutoff(scores: np.ndarray, level: float, mode: str) -> float:
    if mode == "quantile":
        level = _quantile_on_grid(scores, level)
        if math.isnan(level):
            return level
    # scores carry one decimal: rounding up to that grid changes no decision and makes the cut-off printable
    return math.ceil(round(level * 10, 6)) / 10


def _resolve(value: np.ndarray, potential: np.ndarray, total: np.ndarray, thresholds: Thresholds) -> Cutoffs:
    mode = thresholds.mode
    return Cutoffs(
        value=_cutoff(value, thresholds.value, mode),
        potential=_cutoff(potential, thresholds.potential, mode),
        gold=_cutoff(total, thresholds.gold, mode),
        silver=_cutoff(total, thresholds.silver, mode),
    )


def _rank(total: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """`rank(method="min", ascending=False)` for scores on the 0.1 grid of 0-100, as a counting sort."""
    known = ~np.isnan(total)
    tenths = np.clip(np.rint(np.where(known, total, 0.0) * 10), 0, 1000).astype(np.int64)
    counts = np.bincount(tenths[known], minlength=1001)
    strictly_above = np.cumsum(counts[::-1])[::-1] - counts
    return pd.arrays.IntegerArray(strictly_above[tenths] + 1, ~known)


# index (2 × high value + high potential) → index into SEGMENTS
_SEGMENT_BY_HIGH_VALUE_AND_POTENTIAL = np.array(
    [SEGMENTS.index(SMALL), SEGMENTS.index(HIGH_POTENTIAL), SEGMENTS.index(LARGE_FLAT), SEGMENTS.index(LOYAL_CORE)]
)


def _segment_codes(
    value: np.ndarray,
    potential: np.ndarray,
    cutoffs: Cutoffs,
    value_real: np.ndarray | None = None,
    potential_real: np.ndarray | None = None,
) -> np.ndarray:
    """Index into SEGMENTS, -1 when unscored.

    An axis an account has no score on (no criterion on it, or all of them skipped) copies the other axis, so
    the account lands on the diagonal: high → loyal_core, low → small. With value criteria only, the key
    accounts are thus the high-value ones. An axis scored only on filled-in values (`*_real` False) is never
    high: a median stands in for the data, and no account is called high-potential without potential data.
    """
    value_known, potential_known = ~np.isnan(value), ~np.isnan(potential)
    value_high = value >= cutoffs.value  # NaN compares False
    potential_high = potential >= cutoffs.potential
    if value_real is not None:
        value_high &= value_real
    if potential_real is not None:
        potential_high &= potential_real
    high_value = np.where(value_known, value_high, potential_high)
    high_potential = np.where(potential_known, potential_high, value_high)
    codes = _SEGMENT_BY_HIGH_VALUE_AND_POTENTIAL[high_value * 2 + high_potential]
    codes[~(value_known | potential_known)] = -1
    return codes


def _categories(codes: np.ndarray, labels: Sequence[str]) -> pd.Categorical:
    # categorical: 20× cheaper than 100,000 strings, and value_counts lists the empty segments too
    return pd.Categorical.from_codes(codes, categories=list(labels))


def score_portfolio(
    frame: pd.DataFrame, criteria: Sequence[CriterionSpec], thresholds: Thresholds = Thresholds()
) -> pd.DataFrame:
    """Score, rank, segment and tier every account of `frame` (index: account id, one column per criterion key).

    Columns: norm_<key> (0-100 after the missing policy, NaN where skipped), points_<key> (the account's share
    of the weights it is scored on × norm), missing_<key> (the raw value was missing), filled_<key> (missing and
    filled in by the policy; a median counts `filled_weight` times a real value), value_score,
    potential_score, total_score (sum of the points; the three scores rounded to 1 decimal), rank (1 = best,
    ties share the best rank), segment, tier, is_key, scored_on, scored, missing_share (of the weights),
    value_real / potential_real (the axis has at least one real value, not only filled-in ones). An
    account missing more than `max_missing_share` of the weights, or scored on no criterion, is not scored: NaN
    scores, no rank, segment or tier, never key. is_key is the rule on this run alone; `key_stabilise` then
    applies the previous run's status. `result.attrs` holds the thresholds and the resolved
    `Cutoffs`, which `explain` needs.
    """
    criteria = tuple(criteria)
    problems = _criteria_problems(criteria) + _thresholds_problems(thresholds)
    absent = [spec.key for spec in criteria if spec.key not in frame.columns]
    if absent:
        problems.append(f"columns missing from the data: {', '.join(map(str, absent))}")
    if not frame.index.is_unique:
        problems.append("the data must hold one row per account (duplicate ids in the index)")
    _raise(problems)

    raw = _raw_matrix(frame, criteria)
    missing = np.isnan(raw)
    weights = np.array([spec.weight for spec in criteria], dtype=np.float64)
    missing_share = (weights @ missing) / weights.sum()
    # A small tolerance: three of six equal weights missing is exactly half, not a rounding error above it.
    eligible = missing_share <= thresholds.max_missing_share + 1e-9
    # Accounts not scored take no part in the portfolio's figures: their few values must not move the others'
    # percentiles, medians or cut-offs (an import of empty accounts then changes nobody else's standing).
    if not eligible.all():
        raw[:, ~eligible] = np.nan  # raw is this function's own copy, and `missing` was taken before
    norm = np.empty_like(raw)
    for j, spec in enumerate(criteria):
        norm[j] = _normalise_array(raw[j], spec)
        _apply_missing(norm[j], missing[j] & eligible, spec.missing)
    scored = ~np.isnan(norm)
    filled = missing & scored
    # Each cell's share of its criterion's weight: 1 for a real value, 0 if none, and filled_weight for a median
    # filled in (a guess counts less than a fact). A zero fill keeps its full weight: discounting it would reward
    # the missing data it is meant to penalise.
    present = scored.astype(np.float64)
    discounted = False
    if thresholds.filled_weight != 1:
        for j, spec in enumerate(criteria):
            if spec.missing == MissingPolicy.MEDIAN and filled[j].any():
                np.copyto(present[j], thresholds.filled_weight, where=filled[j])
                discounted = True
    value_weights = weights * [spec.axis == Axis.VALUE for spec in criteria]
    potential_weights = weights * [spec.axis in POTENTIAL_AXES for spec in criteria]
    # weighted means as matrix-vector products; in-place steps because fresh 100k × 8 arrays cost more than maths
    points = np.fmax(norm, 0.0)  # NaN → 0; norms are never below 0
    if discounted:
        points *= present
    with np.errstate(invalid="ignore", divide="ignore"):  # 0 / 0 → NaN for an account scored on nothing
        value = np.round((value_weights @ points) / (value_weights @ present), 1)
        potential = np.round((potential_weights @ points) / (potential_weights @ present), 1)
        points *= weights[:, None]
        points /= weights @ present
    total = np.round(points.sum(axis=0), 1)
    total[~eligible] = np.nan
    cutoffs = _resolve(value, potential, total, thresholds)

    real = scored & ~filled
    value_real = (value_weights @ real) > 0
    potential_real = (potential_weights @ real) > 0
    segment_codes = _segment_codes(value, potential, cutoffs, value_real, potential_real)
    tier_codes = np.where(total >= cutoffs.gold, 0, np.where(total >= cutoffs.silver, 1, 2))
    tier_codes[np.isnan(total)] = -1
    rank = _rank(total)
    is_key = _key_selection(thresholds, segment_codes, tier_codes, total, rank.to_numpy(dtype=float, na_value=np.nan))

    keys = [spec.key for spec in criteria]
    # criteria × accounts arrays are pandas' own block layout: their transposes become frames without a copy
    blocks = [
        pd.DataFrame(matrix.T, index=frame.index, columns=[f"{prefix}_{key}" for key in keys], copy=False)
        for prefix, matrix in (("norm", norm), ("points", points), ("missing", missing), ("filled", filled))
    ]
    summary = {
        "value_score": value,
        "potential_score": potential,
        "total_score": total,
        "rank": rank,
        "segment": _categories(segment_codes, SEGMENTS),
        "tier": _categories(tier_codes, TIERS),
        "is_key": is_key,
        "scored_on": scored.sum(axis=0),
        "scored": ~np.isnan(total),
        "missing_share": missing_share,
        "value_real": value_real,
        "potential_real": potential_real,
    }
    result = pd.concat([*blocks, pd.DataFrame(summary, index=frame.index)], axis=1)
    result.attrs = {"thresholds": thresholds, "cutoffs": cutoffs}
    return result


# --- stable key status ------------------------------------------------------------------------------------

KEY_REASONS = ("entered", "left", "not_scored", "held_by_band", "waiting", "")


def _stays_key(result: pd.DataFrame, thresholds: Thresholds) -> np.ndarray:
    """Whether a key account still qualifies, with the band that keeps it from flipping on small moves."""
    total = result["total_score"].to_numpy(dtype=float)
    rule = thresholds.key_accounts
    with np.errstate(invalid="ignore"):
        if rule == "score":
            return np.nan_to_num(total, nan=-1.0) >= thresholds.key_score - thresholds.key_band
        if rule == "gold":
            gold = result.attrs["cutoffs"].gold
            return np.nan_to_num(total, nan=-1.0) >= gold - thresholds.key_band
        if rule == "top_n":
            rank = result["rank"].to_numpy(dtype=float, na_value=np.nan)
            return np.nan_to_num(rank, nan=np.inf) <= thresholds.key_top_n + thresholds.key_top_n_margin
    return result["is_key"].to_numpy(dtype=bool)


def key_stabilise(result: pd.DataFrame, previous: pd.DataFrame | None, thresholds: Thresholds) -> pd.DataFrame:
    """Key status by rule that changes only on the account's own evidence (index: account id, like `result`).

    `result` is `score_portfolio`'s; `previous` holds the last run's `rule_key` (key status by rule, before
    overrides) and `key_pending` (runs in a row the rule has contradicted it) per account, or is None for a first
    run. A key account stays key while it is within the band; a change waits for `key_confirm_runs` runs in a row
    that say so; a not-scored account is never key by rule, at once. An account new to the portfolio starts as
    not key. Returns rule_key, key_pending and key_reason (one of KEY_REASONS).
    """
    enters = result["is_key"].to_numpy(dtype=bool)
    scored = result["scored"].to_numpy(dtype=bool)
    if previous is None:
        reasons = np.where(scored, np.where(enters, "entered", ""), "not_scored")
        return pd.DataFrame(
            {"rule_key": enters, "key_pending": np.zeros(len(result), dtype=np.int64), "key_reason": reasons},
            index=result.index,
        )
    before = previous.reindex(result.index)
    was = before["rule_key"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    pending = before["key_pending"].fillna(0).to_numpy(dtype=np.int64)
    verdict = np.where(was, _stays_key(result, thresholds), enters) & scored
    differs = verdict != was
    waited = np.where(differs, pending + 1, 0)
    changes = differs & ((waited >= thresholds.key_confirm_runs) | ~scored)
    status = np.where(changes, verdict, was)
    reasons = np.select(
        [changes & ~scored, changes & status, changes & ~status, differs, was & ~enters],
        ["not_scored", "entered", "left", "waiting", "held_by_band"],
        default=np.where(scored, "", "not_scored"),
    )
    return pd.DataFrame(
        {"rule_key": status, "key_pending": np.where(changes, 0, waited), "key_reason": reasons}, index=result.index
    )


# --- explanation ------------------------------------------------------------------------------------------


def _number(value: object) -> float | None:
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return None
    return float(value)  # type: ignore[arg-type]


def _basis(thresholds: Thresholds, level: float) -> str:
    if thresholds.mode == "quantile":
        return _("quantile %(level)s") % {"level": f"{level:g}"}
    return _("absolute")


def _comparison(label: str, score: float, threshold: str, cutoff: float, basis: str) -> str:
    context = {"label": label, "score": score, "threshold": threshold, "cutoff": cutoff, "basis": basis}
    if score >= cutoff:
        return _("%(label)s %(score).1f ≥ %(threshold)s %(cutoff).1f (%(basis)s)") % context
    return _("%(label)s %(score).1f < %(threshold)s %(cutoff).1f (%(basis)s)") % context


def _cutoffs_for(result_row: pd.Series, thresholds: Thresholds, cutoffs: Cutoffs | None) -> Cutoffs:
    if cutoffs is not None:
        return cutoffs
    attrs = result_row.attrs
    if "cutoffs" in attrs:
        if attrs.get("thresholds") != thresholds:
            raise ValueError("this result was computed with other thresholds than the ones given")
        return attrs["cutoffs"]
    if thresholds.mode == "absolute":
        nothing = np.array([])
        return _resolve(nothing, nothing, nothing, thresholds)
    raise ValueError("quantile thresholds depend on the whole run: pass cutoffs= (result.attrs['cutoffs'])")


def _label_or_none(value: object) -> Any:
    return None if value is None or pd.isna(value) else value  # type: ignore[arg-type]


def _segment_rule(row: pd.Series, thresholds: Thresholds, cutoffs: Cutoffs) -> dict[str, Any]:
    axes = {
        "value": (_("value"), _number(row["value_score"]), cutoffs.value, thresholds.value),
        "potential": (_("potential"), _number(row["potential_score"]), cutoffs.potential, thresholds.potential),
    }
    checks, parts = [], []
    for name, other in (("value", "potential"), ("potential", "value")):
        label, score, cutoff, level = axes[name]
        if score is None:
            if axes[other][1] is not None:
                parts.append(_("%(label)s not scored, follows %(other)s") % {"label": label, "other": axes[other][0]})
            continue
        if not row.get(f"{name}_real", True):
            checks.append({"axis": name, "score": score, "cutoff": cutoff, "high": False})
            parts.append(
                _("%(label)s %(score).1f from filled-in values only: not counted as high")
                % {"label": label, "score": score}
            )
            continue
        checks.append({"axis": name, "score": score, "cutoff": cutoff, "high": score >= cutoff})
        parts.append(_comparison(label, score, _("threshold"), cutoff, _basis(thresholds, level)))
    text = "; ".join(parts) if checks else _("not scored: no criterion applies to this account")
    return {"kind": "segment", "outcome": _label_or_none(row["segment"]), "checks": checks, "text": text}


def _tier_rule(row: pd.Series, thresholds: Thresholds, cutoffs: Cutoffs) -> dict[str, Any]:
    total = _number(row["total_score"])
    tier = _label_or_none(row["tier"])
    rule: dict[str, Any] = {"kind": "tier", "outcome": tier, "score": total, "gold": cutoffs.gold}
    rule["silver"] = cutoffs.silver
    if total is None:
        return rule | {"text": _("not scored: no criterion applies to this account")}
    label = _("total")
    gold = _comparison(label, total, _("gold threshold"), cutoffs.gold, _basis(thresholds, thresholds.gold))
    silver = _comparison(label, total, _("silver threshold"), cutoffs.silver, _basis(thresholds, thresholds.silver))
    parts = {GOLD: [gold], SILVER: [gold, silver]}.get(tier, [silver])
    return rule | {"text": "; ".join(parts)}


def _key_rule(row: pd.Series, thresholds: Thresholds) -> dict[str, Any]:
    is_key = bool(row["is_key"])
    if _number(row["total_score"]) is None:
        share = _number(row.get("missing_share"))
        if share:
            text = _("not a key account: not scored, %(share)s %% of the weights have no data") % {
                "share": round(share * 100)
            }
        else:
            text = _("not a key account: not scored")
        return {"kind": "key", "outcome": is_key, "text": text}
    if thresholds.key_accounts == "gold":
        context = {"tier": row["tier"]}
        text = _("key account: tier %(tier)s") if is_key else _("not a key account: tier %(tier)s is not gold")
    elif thresholds.key_accounts == "score":
        context = {"score": _number(row["total_score"]), "threshold": thresholds.key_score}
        if is_key:
            text = _("key account: total %(score)s ≥ key-account threshold %(threshold)s")
        else:
            text = _("not a key account: total %(score)s < key-account threshold %(threshold)s")
    elif thresholds.key_accounts == "top_n":
        context = {"rank": row.get("rank"), "top": thresholds.key_top_n}
        if is_key:
            text = _("key account: rank %(rank)s is within the top %(top)s")
        else:
            text = _("not a key account: rank %(rank)s is beyond the top %(top)s")
    else:
        context = {"segment": row["segment"]}
        if is_key:
            text = _("key account: segment %(segment)s is a key segment")
        else:
            text = _("not a key account: segment %(segment)s is not a key segment")
    return {"kind": "key", "outcome": is_key, "text": text % context}


def explain(
    result_row: pd.Series,
    criteria: Sequence[CriterionSpec],
    thresholds: Thresholds = Thresholds(),
    *,
    raw: Mapping[str, Any] | pd.Series | None = None,
    cutoffs: Cutoffs | None = None,
) -> list[dict[str, Any]]:
    """Why one account (a row of `score_portfolio`) scored what it did and landed where it did.

    One dict per criterion (kind "criterion": key, axis, raw, normalised, weight, weight_share, points,
    missing_policy, missing_policy_applied), then kind "segment", "tier" and "key" dicts with their outcome and a
    sentence such as "value 72.0 ≥ threshold 61.3 (quantile 0.5)". `raw` is the account's input row, if at hand.
    Quantile cut-offs come from the run: the row carries them in `attrs`; otherwise pass `cutoffs`.
    """
    criteria = tuple(criteria)
    needed = [f"{prefix}_{spec.key}" for spec in criteria for prefix in ("norm", "points")]
    needed += ["value_score", "potential_score", "total_score", "segment", "tier", "is_key"]
    absent = [name for name in needed if name not in result_row.index]
    if absent:
        raise ValueError(f"the result row lacks {', '.join(absent)}: is it a score_portfolio row for these criteria?")
    cutoffs = _cutoffs_for(result_row, thresholds, cutoffs)

    norms = [_number(result_row[f"norm_{spec.key}"]) for spec in criteria]
    scored_weight = sum(spec.weight for spec, norm in zip(criteria, norms, strict=True) if norm is not None)
    lines: list[dict[str, Any]] = []
    for spec, norm in zip(criteria, norms, strict=True):
        raw_value = _number(raw.get(spec.key)) if raw is not None else None
        if f"missing_{spec.key}" in result_row.index:
            applied = bool(result_row[f"missing_{spec.key}"])
        elif raw is not None:
            applied = raw_value is None
        else:
            applied = norm is None  # only a skip shows without the raw data
        lines.append(
            {
                "kind": "criterion",
                "key": spec.key,
                "axis": str(spec.axis),
                "raw": raw_value,
                "normalised": norm,
                "weight": float(spec.weight),
                "weight_share": spec.weight / scored_weight if norm is not None else 0.0,
                "points": _number(result_row[f"points_{spec.key}"]),
                "missing_policy": str(spec.missing),
                "missing_policy_applied": applied,
                "filled": bool(result_row.get(f"filled_{spec.key}", False)),
            }
        )
    lines.append(_segment_rule(result_row, thresholds, cutoffs))
    lines.append(_tier_rule(result_row, thresholds, cutoffs))
    lines.append(_key_rule(result_row, thresholds))
    return lines


# --- comparing runs ---------------------------------------------------------------------------------------


def _differs(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    both_blank = pd.isna(before) & pd.isna(after)
    return (before != after) & ~both_blank


def migrations(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Per account, how its segment, tier and key status moved between two runs (index: account id).

    change: "new" / "gone" (in one run only), "entered" / "left" (became / stopped being key), "moved" (same key
    status, other segment or tier), "unchanged". was_key / is_key are NA for an account absent from that run.
    """
    problems = []
    for name, frame in (("previous", previous), ("current", current)):
        absent = [column for column in ("segment", "tier", "is_key") if column not in frame.columns]
        if absent:
            problems.append(f"the {name} run lacks {', '.join(absent)}")
        if not frame.index.is_unique:
            problems.append(f"the {name} run has duplicate account ids")
    _raise(problems)

    index = current.index.append(previous.index.difference(current.index, sort=False))
    in_previous = index.isin(previous.index)
    in_current = index.isin(current.index)
    before = previous.reindex(index)
    after = current.reindex(index)
    was_key = before["is_key"].fillna(False).to_numpy(dtype=bool)
    is_key = after["is_key"].fillna(False).to_numpy(dtype=bool)
    previous_segment = before["segment"].to_numpy(dtype=object)
    segment = after["segment"].to_numpy(dtype=object)
    previous_tier = before["tier"].to_numpy(dtype=object)
    tier = after["tier"].to_numpy(dtype=object)

    both = in_previous & in_current
    moved = _differs(previous_segment, segment) | _differs(previous_tier, tier)
    change = np.select(
        [~in_previous, ~in_current, both & ~was_key & is_key, both & was_key & ~is_key, moved],
        ["new", "gone", "entered", "left", "moved"],
        default="unchanged",
    )
    return pd.DataFrame(
        {
            "previous_segment": pd.array(previous_segment, dtype="str"),
            "segment": pd.array(segment, dtype="str"),
            "previous_tier": pd.array(previous_tier, dtype="str"),
            "tier": pd.array(tier, dtype="str"),
            "was_key": pd.arrays.BooleanArray(was_key, ~in_previous),
            "is_key": pd.arrays.BooleanArray(is_key, ~in_current),
            "change": pd.array(change, dtype="str"),
        },
        index=index,
    )
