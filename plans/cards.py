"""Plans' cards on the account page: the account plan, the review routine with recent reviews, and the to-dos."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.cards import Todo
from accounts.models import Account
from kam.models import name_fields
from plans.models import (
    IN_FORCE,
    IN_PREPARATION,
    SCHEDULED_TYPES,
    AccountPlan,
    Action,
    ActionStatus,
    Checkpoint,
    PlanStatus,
    ReviewType,
)
from plans.reviews import FROM_ACCOUNT, cadences_of_account

TODO_WITHIN_DAYS = 7
TODO_CAP = 5
OPEN_PLAN_STATUSES = [status for status in PlanStatus.values if status != PlanStatus.CLOSED]


def plan_card(request: HttpRequest, account: Account, can_edit: bool) -> dict[str, Any]:
    open_plans = AccountPlan.objects.filter(account=account).exclude(status="closed")
    plans = list(open_plans.only("pk", "title", "status", "starts_on", "ends_on", "account_id"))
    return {
        "account": account,
        # The running plan first; an approved one waiting for its start shows when none runs.
        "in_force": min((p for p in plans if p.status in IN_FORCE), key=lambda p: p.status != "active", default=None),
        "in_preparation": next((p for p in plans if p.status in IN_PREPARATION), None),
        "can_edit": can_edit,
    }


def reviews_card(request: HttpRequest, account: Account, can_edit: bool) -> dict[str, Any]:
    """The account's review routine (cadence, last held, next due) and its recent reviews, in two queries."""
    today = timezone.localdate()
    cadences = cadences_of_account(account=account, include_off=True)
    cadences.sort(key=lambda c: SCHEDULED_TYPES.index(c.review_type))
    schedule = []
    for cadence in cadences:
        due = cadence.due_on
        schedule.append(
            {
                "type": cadence.review_type,
                "label": ReviewType(cadence.review_type).label,
                "every": cadence.every_months,
                "own": cadence.source == FROM_ACCOUNT,
                "last": cadence.last_held_on,
                "due": due,
                "overdue": max(0, (today - due).days) if due else 0,
                "soon": due is not None and due <= today + timedelta(days=7),
            }
        )
    return {
        "account": account,
        "schedule": schedule,
        "overdue_count": sum(1 for row in schedule if row["overdue"]),
        "reviews": list(account.reviews.only("pk", "review_type", "held_on", "decisions", "account_id")[:5]),
        "can_edit": can_edit,
    }


def account_todos(request: HttpRequest, account: Account, can_edit: bool) -> list[Todo]:
    """Reviews, plan and review actions, and KPI checkpoints of this account overdue or due within a week."""
    today = timezone.localdate()
    soon = today + timedelta(days=TODO_WITHIN_DAYS)
    todos = []
    for cadence in cadences_of_account(account=account):
        due = cadence.due_on
        if due is None or due > soon:
            continue
        url = f"{reverse('plans:review_create', args=[account.pk])}?type={cadence.review_type}"
        todos.append(
            Todo(
                text=gettext("Hold the review: %(type)s") % {"type": ReviewType(cadence.review_type).label},
                url=url if can_edit else f"{account.get_absolute_url()}#reviews",
                due_on=due,
                overdue=due < today,
            )
        )
    actions = (
        Action.objects.filter(
            Q(plan__account=account, plan__status__in=OPEN_PLAN_STATUSES) | Q(review__account=account, plan=None),
            status__in=(ActionStatus.TODO, ActionStatus.IN_PROGRESS),
            due_on__lte=soon,
        )
        .select_related("owner")
        .only("title", "due_on", "plan_id", "review_id", *name_fields("owner"))
        .order_by("due_on", "pk")[:TODO_CAP]
    )
    for action in actions:
        owner = f" ({action.owner})" if action.owner else ""
        todos.append(Todo(f"{action.title}{owner}", action.get_absolute_url(), action.due_on, action.due_on < today))
    checkpoints = (
        Checkpoint.objects.filter(
            objective__plan__account=account, objective__plan__status__in=IN_FORCE, actual=None, due_on__lte=soon
        )
        .select_related("objective")
        .only("label", "due_on", "objective__title", "objective__plan_id")
        .order_by("due_on", "pk")[:TODO_CAP]
    )
    for checkpoint in checkpoints:
        text = gettext("Record the actual: %(objective)s, %(period)s") % {
            "objective": checkpoint.objective.title,
            "period": checkpoint.label,
        }
        url = f"{reverse('plans:detail', args=[checkpoint.objective.plan_id])}#objectives"
        todos.append(Todo(text, url, checkpoint.due_on, checkpoint.due_on < today))
    return todos
