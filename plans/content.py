"""What a plan holds, as its page, its PDF and its versions show it: text sections and objective rows."""

from __future__ import annotations

from django.db.models import Prefetch
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


def plan_sections(value_of) -> list[tuple[str, list[tuple[str, str]]]]:
    """The plan's text sections grouped under their headings, each as (label, text)."""
    return [
        (title, [(AccountPlan._meta.get_field(field).verbose_name, value_of(field)) for field in fields])
        for title, fields in SECTION_GROUPS
    ]
