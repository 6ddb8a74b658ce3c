"""Objectives on a product line ("win line X at subsidiary Y"): the prefilled form and where to create one.

Other pages (the whitespace map, the dashboard's top untouched cells) link to
`/plans/<pk>/objectives/new/?line=<line pk>&at=<account pk>` and use `line_objective_plans` to know which plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.models import Account, LineRevenue
from kam.models import User
from plans.forms import objective_lines, plan_subsidiaries
from plans.models import AccountPlan, Metric, Objective, PlanStatus


def _pk(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def line_objective_initial(*, plan: AccountPlan, params: Mapping[str, str]) -> tuple[dict, list[str]]:
    """The objective form's initial values from ?line=&at=(&target=), and why a parameter was left out.

    A line that is not current and active, or an account other than the plan's account and its subsidiaries,
    is ignored: nothing is prefilled from it.
    """
    refused: list[str] = []
    line_pk, at_pk = _pk(params.get("line")), _pk(params.get("at"))
    if "line" not in params and "at" not in params:
        return {}, refused
    line = objective_lines().filter(pk=line_pk).first() if line_pk else None
    if line is None:
        refused.append(_("The product line asked for is not in the catalogue: choose one."))
    at: Account | None = plan.account
    if at_pk is not None and at_pk != plan.account_id:
        at = plan_subsidiaries(plan.account).filter(pk=at_pk).first()
    if at is None or ("at" in params and at_pk is None):
        refused.append(_("The account asked for is neither the plan's account nor one of its subsidiaries."))
        at = None
    initial: dict = {"metric": Metric.LINE_REVENUE, "due_on": plan.ends_on}
    if line is not None:
        initial["line"] = line.pk
    if at is not None and at.pk != plan.account_id:
        initial["line_account"] = at.pk
    if line is not None and at is not None:
        initial["title"] = _("Win %(line)s at %(account)s") % {"line": line.name, "account": at.name}
        latest = (
            LineRevenue.objects.filter(account=at, line=line, year__lte=plan.ends_on.year)
            .order_by("-year")
            .values_list("revenue", flat=True)
            .first()
        )
        if latest is not None:  # no revenue on the line: the baseline is left to the manager, not set to 0
            initial["baseline"] = latest
    try:
        target = Decimal(params.get("target", ""))
    except InvalidOperation:
        target = None
    if target is not None and target.is_finite() and target >= 0:
        initial["target"] = target.quantize(Decimal("1"))
    return initial, refused


def line_objective_plans(*, account_ids: Iterable[int], user: User) -> dict[int, AccountPlan]:
    """For each account, the draft plan a line objective on it would go in, among the plans the user may edit:
    the account's own draft plan, else its parent's (the subsidiary is then the objective's "at"). Two queries."""
    ids = set(account_ids)
    accounts = dict(Account.objects.filter(pk__in=ids).values_list("pk", "parent_id"))
    owners = set(accounts) | {parent for parent in accounts.values() if parent}
    plans = {
        plan.account_id: plan
        for plan in AccountPlan.objects.editable_by(user)
        .filter(Q(account_id__in=owners), status=PlanStatus.DRAFT)
        .only("pk", "account_id")
        .order_by("starts_on")  # the latest wins
    }
    found = {}
    for account_id, parent_id in accounts.items():
        plan = plans.get(account_id) or (plans.get(parent_id) if parent_id else None)
        if plan is not None:
            found[account_id] = plan
    return found


def line_objectives_on(*, cells: Iterable[tuple[int, int]], user: User) -> dict[tuple[int, int], Objective]:
    """The objective already targeting each (account, line) cell, in a plan not closed that the user sees: a cell
    turned into an objective says so instead of offering a second one. One query."""
    wanted = set(cells)
    if not wanted:
        return {}
    accounts, lines = {account for account, _line in wanted}, {line for _account, line in wanted}
    objectives = (
        Objective.objects.filter(
            plan__in=AccountPlan.objects.visible_to(user).exclude(status=PlanStatus.CLOSED),
            metric=Metric.LINE_REVENUE,
            line_id__in=lines,
        )
        .filter(Q(line_account_id__in=accounts) | Q(line_account__isnull=True, plan__account_id__in=accounts))
        .select_related("plan")
        .only("pk", "title", "line_id", "line_account_id", "plan__id", "plan__account_id")
        .order_by("pk")
    )
    found: dict[tuple[int, int], Objective] = {}
    for objective in objectives:
        if objective.line_id is None:  # filtered out above; says so to the type checker
            continue
        key = (objective.line_account_id or objective.plan.account_id, objective.line_id)
        if key in wanted:
            found.setdefault(key, objective)
    return found


def line_objective_anchor(objective: Objective) -> str:
    return f"{reverse('plans:detail', args=[objective.plan_id])}#objective-{objective.pk}"


def line_objective_url(*, plan_pk: int, line_pk: int, at_pk: int, target: float | None = None) -> str:
    params: dict[str, int] = {"line": line_pk, "at": at_pk}
    if target is not None:
        params["target"] = round(target)
    return f"{reverse('plans:objective_new', args=[plan_pk])}?{urlencode(params)}"
