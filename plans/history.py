"""A plan's history: who changed its content, objectives, checkpoints and actions, and when."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from kam.history import Change, changes_merge, source_changes
from plans.models import AccountPlan, Action, Checkpoint, Objective

# Apps above plans add what they record about a plan (e.g. what the customer did on the shared plan):
# each source is source(plan, limit) -> list[Change], registered from AppConfig.ready().
HistorySource = Callable[[AccountPlan, int], list[Change]]
HISTORY_SOURCES: dict[str, HistorySource] = {}


def register_history_source(key: str, source: HistorySource) -> None:
    HISTORY_SOURCES[key] = source


def plan_changes(plan: AccountPlan, *, limit: int = 20) -> list[Change]:
    """The latest changes to the plan and what it holds, newest first (five queries, whatever the plan's size)."""
    objective_ids = Objective.history.filter(plan_id=plan.pk).values("id")
    return changes_merge(
        [
            source_changes(plan.history.all(), model=AccountPlan, noun=_("Plan"), limit=limit),
            source_changes(
                Objective.history.filter(plan_id=plan.pk), model=Objective, noun=_("Objective"), limit=limit
            ),
            source_changes(
                Checkpoint.history.filter(objective_id__in=objective_ids),
                model=Checkpoint,
                noun=_("KPI checkpoint"),
                limit=limit,
            ),
            source_changes(Action.history.filter(plan_id=plan.pk), model=Action, noun=_("Action"), limit=limit),
            *(source(plan, limit) for source in HISTORY_SOURCES.values()),
        ],
        limit=limit,
    )
