"""Speed of `score_portfolio` on 100,000 accounts × 8 criteria: `python -m bench.analytics`.

Prints medians next to the floors in PERFORMANCE.md (≈ 35 ms min–max, ≈ 85 ms percentile); fails nothing.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from scoring.analytics import Axis, CriterionSpec, MissingPolicy, Normalisation, score_portfolio

ACCOUNTS = 100_000
REPEAT = 21
AXES = (Axis.VALUE, Axis.VALUE, Axis.VALUE, Axis.POTENTIAL, Axis.POTENTIAL, Axis.FIT, Axis.FIT, Axis.IMAGE)
POLICIES = (MissingPolicy.MEDIAN, MissingPolicy.ZERO, MissingPolicy.SKIP)


def portfolio(accounts: int = ACCOUNTS, seed: int = 7) -> pd.DataFrame:
    """Skewed revenues, bounded ratings and 5 % missing values, like a real register."""
    rng = np.random.default_rng(seed)
    columns = {}
    for j in range(len(AXES)):
        values = rng.lognormal(11, 1.2, accounts) if j % 2 == 0 else rng.integers(0, 11, accounts).astype(float)
        values[rng.random(accounts) < 0.05] = np.nan
        columns[f"c{j}"] = values
    return pd.DataFrame(columns, index=pd.RangeIndex(1, accounts + 1, name="account_id"))


def criteria(normalisation: Normalisation) -> list[CriterionSpec]:
    return [
        CriterionSpec(
            key=f"c{j}",
            weight=float(j + 1),
            axis=axis,
            higher_is_better=j != 3,
            normalisation=normalisation,
            missing=POLICIES[j % len(POLICIES)],
        )
        for j, axis in enumerate(AXES)
    ]


def reference(frame: pd.DataFrame, specs: list[CriterionSpec]) -> pd.DataFrame:
    """The bare computation the floors describe (weighted score + segments in plain pandas), for a same-run ratio."""
    weights = pd.Series({spec.key: spec.weight for spec in specs})
    if specs[0].normalisation == Normalisation.PERCENTILE:
        norm = frame.rank(pct=True) * 100
    else:
        norm = (frame - frame.min()) / (frame.max() - frame.min()) * 100
    norm = norm.fillna(norm.median())
    value_keys = [spec.key for spec in specs if spec.axis == Axis.VALUE]
    potential_keys = [spec.key for spec in specs if spec.axis != Axis.VALUE]
    total = (norm * weights).sum(axis=1) / weights.sum()
    value = (norm[value_keys] * weights[value_keys]).sum(axis=1) / weights[value_keys].sum()
    potential = (norm[potential_keys] * weights[potential_keys]).sum(axis=1) / weights[potential_keys].sum()
    high_value, high_potential = value >= value.quantile(0.5), potential >= potential.quantile(0.5)
    segment = np.select(
        [high_value & high_potential, high_potential, high_value],
        ["loyal_core", "high_potential", "large_flat"],
        "small",
    )
    return pd.DataFrame({"total_score": total.round(1), "segment": segment}, index=frame.index)


def medians_ms(actions: dict[str, Callable[[], object]], repeat: int = REPEAT) -> dict[str, float]:
    """Interleaved runs, so that a noisy neighbour slows every contender alike."""
    timings: dict[str, list[float]] = {name: [] for name in actions}
    for action in actions.values():
        action()  # warm up
    for _ in range(repeat):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            timings[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in timings.items()}


def main() -> None:
    frame = portfolio()
    print(f"score_portfolio, {ACCOUNTS:,} accounts × {len(AXES)} criteria, median of {REPEAT} runs")
    for normalisation, floor in ((Normalisation.MINMAX, "≈ 35"), (Normalisation.PERCENTILE, "≈ 85")):
        specs = criteria(normalisation)
        ours, bare = medians_ms(
            {
                "ours": lambda specs=specs: score_portfolio(frame, specs),
                "bare": lambda specs=specs: reference(frame, specs),
            }
        ).values()
        print(
            f"  {normalisation:<10} {ours:6.1f} ms  (floor {floor} ms; bare pandas weighted score + segments in the"
            f" same run: {bare:.1f} ms, ratio {ours / bare:.2f})"
        )


if __name__ == "__main__":
    main()
