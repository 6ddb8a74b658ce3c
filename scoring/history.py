"""The scoring model's history: who changed a criterion, a threshold or the key-account rule, and when."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kam.history import Change, changes_merge, source_changes
from scoring.models import Criterion, SegmentationSettings


def scoring_model_changes(*, limit: int = 20) -> list[Change]:
    """The latest changes to the criteria and the thresholds, newest first (two queries)."""
    return changes_merge(
        [
            source_changes(Criterion.history.all(), model=Criterion, noun=_("Criterion"), limit=limit),
            source_changes(
                SegmentationSettings.history.all(), model=SegmentationSettings, noun=_("Thresholds"), limit=limit
            ),
        ],
        limit=limit,
    )
