"""What a plan holds, as its page, its PDF and its versions show it: text sections and objective rows."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.db.models import Prefetch
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from plans.models import AccountPlan, Action, Objective
from plans.progress import objective_progress

SECTION_FIELDS = [
    "business",
    "strategy",
    "difficulties",
    "shared_goals",
    "anticipated_problems",
    "strengths",
    "weaknesses",
    "opportunities",
    "threats",
    "recommendations",
]

SECTION_GROUPS = [
    (_("The customer"), ["business", "strategy"]),
    (_("Needs assessment"), ["difficulties", "shared_goals", "anticipated_problems"]),
    (_("SWOT of the relationship"), ["strengths", "weaknesses", "opportunities", "threats"]),
    (_("Our strategic recommendations"), ["recommendations"]),
]


def plan_with_content(plans):
    """Everything a plan page or PDF shows, in a fixed number of queries."""
    return plans.select_related(
        "account", "account__owner", "account__service_manager", "account__executive_sponsor", "approved_by"
    ).prefetch_related(
        Prefetch("objectives", queryset=Objective.objects.prefetch_related("checkpoints")),
        Prefetch("actions", queryset=Action.objects.select_related("owner", "objective")),
        "resources",
        "unbilled_services",
    )


def objective_rows(objectives) -> list[dict]:
    """Each objective with its checkpoints and computed progress (no query beyond the prefetch)."""
    rows = []
    for objective in objectives:
        checkpoints = list(objective.checkpoints.all())
        progress = objective_progress(
            baseline=objective.baseline,
            target=objective.target,
            checkpoints=[(c.target, c.actual) for c in checkpoints],
        )
        rows.append({"objective": objective, "checkpoints": checkpoints, "progress": progress})
    return rows


def _label(field: str) -> str | Promise:
    model_field = AccountPlan._meta.get_field(field)
    return model_field.verbose_name if isinstance(model_field, models.Field) else field


def plan_sections(value_of: Callable[[str], str]) -> list[tuple[str | Promise, list[tuple[str | Promise, str]]]]:
    """The plan's text sections grouped under their headings, each as (label, text)."""
    return [(title, [(_label(field), value_of(field)) for field in fields]) for title, fields in SECTION_GROUPS]
