"""Numbers over the whole portfolio, as pure pandas functions (DataFrame in, DataFrame out, no ORM).

`segmentation`: weighted criteria → scores, segments, tiers, explanations, migrations.
`portfolio`: Pareto analysis and untapped headroom.
"""

from scoring.analytics.portfolio import headroom_by_segment, pareto
from scoring.analytics.segmentation import (
    BRONZE,
    CHANGES,
    GOLD,
    HIGH_POTENTIAL,
    KEY_REASONS,
    KEY_SEGMENTS,
    LARGE_FLAT,
    LOYAL_CORE,
    MAX_CRITERIA,
    MIN_CRITERIA,
    POTENTIAL_AXES,
    SEGMENTS,
    SILVER,
    SMALL,
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

__all__ = [
    "BRONZE", "CHANGES", "GOLD", "HIGH_POTENTIAL", "KEY_REASONS", "KEY_SEGMENTS", "LARGE_FLAT", "LOYAL_CORE",
    "MAX_CRITERIA", "MIN_CRITERIA", "POTENTIAL_AXES", "SEGMENTS", "SILVER", "SMALL", "TIERS", "Axis",
    "CriterionSpec", "Cutoffs", "MissingPolicy", "Normalisation", "Thresholds", "explain", "headroom_by_segment",
    "key_stabilise", "migrations", "normalise", "pareto", "score_portfolio",
]  # fmt: skip
