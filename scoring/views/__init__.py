"""Scoring pages: the model (administrators), runs, overrides and the rating grid."""

from scoring.views.overrides import override_decide_view, override_list, override_propose_view, override_withdraw_view
from scoring.views.ratings import rating_grid
from scoring.views.runs import criteria, run_detail, run_list, run_now
from scoring.views.wording import criteria_wording

__all__ = [
    "criteria",
    "criteria_wording",
    "override_decide_view",
    "override_list",
    "override_propose_view",
    "override_withdraw_view",
    "rating_grid",
    "run_detail",
    "run_list",
    "run_now",
]
