"""Scoring's writes: segmentation runs, key-account overrides, manual ratings."""

from scoring.services.overrides import (
    OverrideRefused,
    override_decide,
    override_propose,
    override_withdraw,
)
from scoring.services.ratings import RatingRow, ratings_save
from scoring.services.runs import (
    RunRefused,
    _raw_frame,
    _specs,
    segmentation_execute,
    segmentation_make_current,
    segmentation_notify_changes,
    segmentation_run_queue,
    segmentation_run_request,
    segmentation_watchdog,
)

__all__ = [
    "OverrideRefused",
    "RatingRow",
    "RunRefused",
    "_raw_frame",
    "_specs",
    "override_decide",
    "override_propose",
    "override_withdraw",
    "ratings_save",
    "segmentation_execute",
    "segmentation_make_current",
    "segmentation_notify_changes",
    "segmentation_run_queue",
    "segmentation_run_request",
    "segmentation_watchdog",
]
