"""Merging product lines re-points the objectives that target a merged line."""

from __future__ import annotations

import pytest

from accounts.services import product_lines_merge
from accounts.tests.factories import ProductLineFactory
from plans.models import Metric
from plans.tests.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db


def test_objectives_on_a_merged_line_target_the_line_kept(admin_user):
    kept, merged = ProductLineFactory(name="Kept"), ProductLineFactory(name="Merged")
    objective = ObjectiveFactory(metric=Metric.LINE_REVENUE, line=merged)

    product_lines_merge(sources=[merged], target=kept, by=admin_user)

    objective.refresh_from_db()
    assert objective.line == kept
    assert objective.history.first().history_user == admin_user
