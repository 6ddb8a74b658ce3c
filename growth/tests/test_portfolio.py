"""The portfolio's open whitespace, computed without the account × line grid, says what the grid says."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from growth import analytics
from growth.portfolio import OPEN_COLUMNS, open_cells_sparse


@pytest.mark.parametrize("seed", range(6))
def test_open_cells_without_the_grid_equal_the_grids_open_cells(seed):
    rng = np.random.default_rng(seed)
    accounts, lines = list(range(1, 41)), list(range(100, 108))

    def pairs(n: int) -> pd.DataFrame:
        frame = pd.DataFrame({"account_id": rng.choice(accounts + [99], n), "line_id": rng.choice(lines + [999], n)})
        return frame.drop_duplicates().reset_index(drop=True)

    revenue = pairs(120).assign(revenue=lambda f: rng.choice([0.0, 50.0, 300.0], len(f)))
    pipeline = pairs(30).assign(pipeline=lambda f: rng.choice([0.0, 80.0], len(f)))
    potentials = pairs(25).assign(potential=lambda f: rng.choice([10.0, 900.0], len(f)), reason="Because")
    marks = pairs(25).assign(
        kind=lambda f: rng.choice([analytics.COMPETITOR, analytics.NOT_RELEVANT], len(f)), competitor="Rival"
    )
    estimates = pairs(150).assign(estimate=lambda f: rng.uniform(1, 500, len(f)), peers=3)
    inputs = {
        "account_ids": accounts,
        "line_ids": lines,
        "revenue": revenue,
        "pipeline": pipeline,
        "potentials": potentials,
        "marks": marks,
        "estimates": estimates,
    }
    grid = analytics.whitespace_cells(**inputs)
    expected = analytics.open_whitespace(grid)[OPEN_COLUMNS].astype({"potential": float, "peers": float})
    found, untouched_any = open_cells_sparse(**inputs)
    order = ["account_id", "line_id"]
    pd.testing.assert_frame_equal(
        found.sort_values(order).reset_index(drop=True),
        expected.sort_values(order).reset_index(drop=True).astype({"account_id": int, "line_id": int}),
        check_dtype=False,
    )
    grid_untouched = (grid.status == analytics.UNTOUCHED).groupby(grid.account_id).any()
    assert untouched_any.to_dict() == grid_untouched.to_dict()
