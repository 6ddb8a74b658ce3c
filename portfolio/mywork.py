"""The "My work" page: what is the user's to do, whatever its date, in a fixed number of queries.

Mine means: plan and review actions I own, survey improvement actions I own, and the KPI
checkpoints and reviews of the accounts I run and may record them for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise

from accounts.models import Account
from kam.models import User
from plans.models import IN_FORCE, Action, Checkpoint, PlanStatus
from plans.reviews import reviews_due
from portfolio.forms import MyWorkFilterForm
from portfolio.work_items import (
    WorkItem,
    action_items,
    by_due_date,
    checkpoint_items,
    due_bucket,
    grouped,
    improvement_items,
    review_items,
)
from portfolio.worklist import OPEN_ACTIONS, recordable
from surveys.models import OPEN_STATUSES, ImprovementAction

CAP = 500  # per kind: a personal list; beyond it the page says so
PER_PAGE = 100
REVIEW_HORIZON_DAYS = 366  # the longest cadence shows its next date within a year or so


@dataclass
class MyWork:
    today: date
    form: MyWorkFilterForm
    page: Page
    total: int = 0  # before the filters
    capped: bool = False
    query: str = ""  # the filters, to keep across pages

    @property
    def groups(self) -> list[tuple[str, str | Promise, list[WorkItem]]]:
        """This page's items under their urgency headings."""
        return grouped(self.page.object_list, self.today)


def my_work_items(*, user: User, today: date) -> tuple[list[WorkItem], bool]:
    """Every open item of the user's; the flag says a list reached CAP."""
    visible = Account.objects.visible_to(user)
    accounts = recordable(user)
    actions = (
        Action.objects.filter(owner=user, status__in=OPEN_ACTIONS)
        .filter(Q(plan__account__in=visible) | Q(plan=None, review__account__in=visible))
        .exclude(plan__status=PlanStatus.CLOSED)
        .select_related("plan__account", "review__account")
        .order_by("due_on", "pk")
    )
    checkpoints = (
        Checkpoint.objects.filter(
            actual=None, objective__plan__status__in=IN_FORCE, objective__plan__account__in=accounts
        )
        .select_related("objective__plan__account")
        .order_by("due_on", "pk")
    )
    improvements = (
        ImprovementAction.objects.visible_to(user)
        .filter(owner=user, status__in=OPEN_STATUSES)
        .select_related("account")
        .order_by("due_on", "pk")
    )
    # One row beyond CAP tells whether a list was cut.
    action_rows, checkpoint_rows = list(actions[: CAP + 1]), list(checkpoints[: CAP + 1])
    improvement_rows = list(improvements[: CAP + 1])
    reviews = reviews_due(accounts=accounts.select_related("owner"), within_days=REVIEW_HORIZON_DAYS, today=today)
    capped = max(len(action_rows), len(checkpoint_rows), len(improvement_rows), len(reviews)) > CAP
    items = (
        action_items(action_rows[:CAP])
        + checkpoint_items(checkpoint_rows[:CAP])
        + improvement_items(improvement_rows[:CAP])
        + review_items(reviews[:CAP])
    )
    return items, capped


def my_work_build(*, user: User, params: QueryDict, today: date | None = None) -> MyWork:
    today = today or timezone.localdate()
    items, capped = my_work_items(user=user, today=today)
    form = MyWorkFilterForm(params or None, items=items)
    shown = items
    if form.is_valid():
        wanted = form.cleaned_data
        if wanted["due"]:
            shown = [i for i in shown if due_bucket(i.due_on, today) == wanted["due"]]
        if wanted["plan"] is not None:
            shown = [i for i in shown if i.plan_id == wanted["plan"]]
        if wanted["account"] is not None:
            shown = [i for i in shown if i.account_id == wanted["account"]]
    page = Paginator(by_due_date(shown), PER_PAGE).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return MyWork(today=today, form=form, page=page, total=len(items), capped=capped, query=query.urlencode())
