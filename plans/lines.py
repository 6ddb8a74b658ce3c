"""What plans do when product lines merge: objectives on a merged line target the line kept."""

from __future__ import annotations

from simple_history.utils import bulk_update_with_history

from accounts.models import ProductLine
from plans.models import Objective


def line_merge_step(*, sources: list[ProductLine], target: ProductLine, by) -> list[str]:
    objectives = list(Objective.objects.filter(line__in=sources))
    for objective in objectives:
        objective.line = target
    bulk_update_with_history(objectives, Objective, ["line"], default_user=by, default_change_reason="merge")
    return []
