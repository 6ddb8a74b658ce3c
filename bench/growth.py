"""`make bench`: the whitespace maths over 10,000 accounts x 20 lines on synthetic frames (pure pandas, no database).

Registered in bench/__main__.py; alone: `python -m bench.growth`. About half the cells are sold, a tenth in the
pipeline, a twentieth marked, a twentieth with an entered potential; 12 sectors, sizes across the default bands.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.timing import median_ms

GROWTH_ACCOUNTS = 10_000
GROWTH_LINES = 20


def growth_frames(n: int = GROWTH_ACCOUNTS, lines: int = GROWTH_LINES, seed: int = 23) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = np.arange(1, n + 1)
    line_ids = np.arange(1, lines + 1)
    accounts = pd.DataFrame(
        {"sector": [f"Sector {i % 12}" for i in ids], "size": rng.lognormal(4, 1.5, n).round()},
        index=pd.Index(ids, name="account_id"),
    )
    grid = pd.MultiIndex.from_product([ids, line_ids], names=["account_id", "line_id"]).to_frame(index=False)
    draw = rng.random(len(grid))
    revenue = grid[draw < 0.5].assign(revenue=rng.lognormal(9, 1, int((draw < 0.5).sum())))
    pipeline = grid[(draw >= 0.5) & (draw < 0.6)].assign(pipeline=5000.0)
    marked = grid[(draw >= 0.6) & (draw < 0.65)]
    marks = marked.assign(
        kind=np.where(rng.random(len(marked)) < 0.5, "competitor", "not_relevant"), competitor="Rival"
    )
    entered = grid[(draw >= 0.65) & (draw < 0.7)]
    potentials = entered.assign(potential=20000.0, reason="bench")
    segments = pd.Series(np.array(["protect", "win", "maintain", "optimise"])[ids % 4], index=ids)
    return {
        "accounts": accounts,
        "revenue": revenue,
        "pipeline": pipeline,
        "marks": marks,
        "potentials": potentials,
        "segments": segments,
        "ids": ids,
        "line_ids": line_ids,
    }


def bench_growth(n: int = GROWTH_ACCOUNTS, lines: int = GROWTH_LINES) -> list[tuple[str, float, int, str]]:
    from growth import analytics

    f = growth_frames(n, lines)
    edges = [10, 50, 250, 5000]

    def estimates() -> pd.DataFrame:
        return analytics.peer_estimates(f["accounts"], f["revenue"], edges=edges, min_peers=3)

    def cells(estimated: pd.DataFrame) -> pd.DataFrame:
        return analytics.whitespace_cells(
            account_ids=list(f["ids"]),
            line_ids=list(f["line_ids"]),
            revenue=f["revenue"],
            pipeline=f["pipeline"],
            potentials=f["potentials"],
            marks=f["marks"],
            estimates=estimated,
        )

    def everything() -> pd.DataFrame:
        return analytics.whitespace_by_segment(cells(estimates()), f["segments"])

    estimated = estimates()
    all_cells = cells(estimated)
    label = f"whitespace of {n:,} accounts x {lines} lines"
    return [
        (f"{label}: peer estimates", median_ms(estimates, repeat=5), 0, ""),
        (f"{label}: cells", median_ms(lambda: cells(estimated), repeat=5), 0, ""),
        (
            f"{label}: by segment",
            median_ms(lambda: analytics.whitespace_by_segment(all_cells, f["segments"]), 5),
            0,
            "",
        ),
        (f"{label}: all three", median_ms(everything, repeat=5), 0, "< 500 ms"),
    ]


def main() -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings_test")
    import django

    django.setup()
    print(f"\n{'measure':<62} {'median ms':>10}  target")
    for label, ms, _queries, target in bench_growth():
        print(f"{label:<62} {ms:>10.1f}  {target}")


if __name__ == "__main__":
    main()
