"""What a plan holds, as its page, its PDF and its versions show it: text sections and objective rows."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.db import models
from django.db.models import Prefetch, Sum
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import LineRevenue
from kam.models import name_fields
from plans.models import AccountPlan, Action, Checkpoint, Metric, Objective
from plans.progress import line_objective_progress, objective_progress

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


def plan_with_content(plans, *, action_objectives: bool = True):
    """Everything a plan page or PDF shows, in a fixed number of queries.

    action_objectives=False leaves each action's objective unread (the page finds it among the plan's
    objectives, by id, rather than joining and building it again for each action).
    """
    actions = (
        Action.objects.select_related("owner", "objective")
        if action_objectives
        else Action.objects.select_related("owner")
    )
    return plans.select_related(
        "account", "account__owner", "account__service_manager", "account__executive_sponsor", "approved_by"
    ).prefetch_related(
        Prefetch(
            "objectives",
            queryset=Objective.objects.select_related("line", "line_account").prefetch_related("checkpoints"),
        ),
        Prefetch("actions", queryset=actions),
        "resources",
        "unbilled_services",
    )


def page_objectives(plan: AccountPlan) -> list[Objective]:
    """The plan's objectives with their checkpoints, as the plan page shows them: only the columns it shows, and
    for one on a product line, `line_place`: the subsidiary it is about, else the plan's account."""
    checkpoints = Checkpoint.objects.only("objective_id", "label", "due_on", "target", "actual")
    shown = ("plan_id", "title", "metric", "custom_metric", "baseline", "target", "due_on", "line__name",
             "line_account_id")  # fmt: skip
    objectives = (
        plan.objectives.select_related("line")
        .only(*shown)
        .annotate(line_place=Coalesce("line_account__name", "plan__account__name"))
    )
    return list(objectives.prefetch_related(Prefetch("checkpoints", queryset=checkpoints)))


def page_actions(plan: AccountPlan) -> list[Action]:
    """The plan's actions with their owners' names, as the plan page shows them (their objective found by id)."""
    shown = ("plan_id", "title", "objective_id", "due_on", "status", *name_fields("owner"))
    return list(plan.actions.select_related("owner").only(*shown))


def objective_rows(objectives) -> list[dict]:
    """Each objective with its checkpoints and computed progress; no query beyond the prefetch, but for
    objectives on a product line, whose actual is read from revenue by line (two queries for all of them)."""
    objectives = list(objectives)
    line_actuals = objective_line_actuals(objectives=objectives)
    rows = []
    for objective in objectives:
        checkpoints = list(objective.checkpoints.all())
        if is_line_objective(objective):
            year, actual = line_actuals.get(objective.pk, (None, None))
            progress = line_objective_progress(
                baseline=objective.baseline,
                target=objective.target,
                checkpoints=[(c.due_on, c.target) for c in checkpoints],
                actual=actual,
                year=year,
            )
            line = {"year": year, "actual": actual}
        else:
            progress = objective_progress(
                baseline=objective.baseline,
                target=objective.target,
                checkpoints=[(c.target, c.actual) for c in checkpoints],
            )
            line = None
        rows.append({"objective": objective, "checkpoints": checkpoints, "progress": progress, "line": line})
    return rows


def is_line_objective(objective: Objective) -> bool:
    return objective.metric == Metric.LINE_REVENUE and objective.line_id is not None


def objective_line_actuals(*, objectives: list[Objective]) -> dict[int, tuple[int, Decimal]]:
    """Per objective on a line, (year, revenue) of its account or subsidiary on that line: the due date's year,
    or the latest year with data before it. An objective without any such revenue is left out (missing, not 0).

    A line merged into another since the objective was set counts as that other line, and so do the names
    merged into it.
    """
    return line_actuals_by_id(objective_ids=[o.pk for o in objectives if is_line_objective(o)])


def line_actuals_by_id(*, objective_ids: list[int]) -> dict[int, tuple[int, Decimal]]:
    """objective_line_actuals for objectives known by id (those not on a line are left out); two queries."""
    if not objective_ids:
        return {}
    wanted: dict[tuple[int, int], list[tuple[int, int]]] = {}
    places = (
        Objective.objects.filter(pk__in=objective_ids, metric=Metric.LINE_REVENUE, line__isnull=False)
        .annotate(
            at=Coalesce("line_account_id", "plan__account_id"), current=Coalesce("line__merged_into_id", "line_id")
        )
        .values_list("pk", "at", "current", "due_on")
    )
    for objective_pk, account_id, line_id, due_on in places:
        wanted.setdefault((account_id, line_id), []).append((objective_pk, due_on.year))
    rows = (
        LineRevenue.objects.filter(
            account_id__in={account_id for account_id, _line in wanted},
            year__lte=max(year for asked in wanted.values() for _pk, year in asked),
        )
        .annotate(current=Coalesce("line__merged_into_id", "line_id"))
        .filter(current__in={line_id for _account, line_id in wanted})
        .order_by()
        .values_list("account_id", "current", "year")
        .annotate(total=Sum("revenue"))
    )
    by_cell: dict[tuple[int, int], dict[int, Decimal]] = {}
    for account_id, line_id, year, total in rows:
        by_cell.setdefault((account_id, line_id), {})[year] = total
    found: dict[int, tuple[int, Decimal]] = {}
    for cell, asked in wanted.items():
        years = by_cell.get(cell, {})
        for objective_pk, due_year in asked:
            usable = [year for year in years if year <= due_year]
            if usable:
                found[objective_pk] = (max(usable), years[max(usable)])
    return found


def _label(field: str) -> str | Promise:
    model_field = AccountPlan._meta.get_field(field)
    return model_field.verbose_name if isinstance(model_field, models.Field) else field


def plan_sections(value_of: Callable[[str], str]) -> list[tuple[str | Promise, list[tuple[str | Promise, str]]]]:
    """The plan's text sections grouped under their headings, each as (label, text)."""
    return [(title, [(_label(field), value_of(field)) for field in fields]) for title, fields in SECTION_GROUPS]
