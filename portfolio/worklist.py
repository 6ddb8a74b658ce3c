"""What one user must do next: the home page's worklist, and the daily and weekly digests built from it.

A fixed number of queries per user, whatever the number of items (each list is capped).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.functional import Promise

from accounts.models import Account
from health.worklist import HealthWork, health_work_for
from kam.models import Notification, User
from plans.models import IN_FORCE, AccountPlan, Action, ActionStatus, Checkpoint, PlanStatus
from plans.reviews import reviews_due
from portfolio.work_items import (
    DueGroup,
    WorkItem,
    action_items,
    checkpoint_items,
    due_groups,
    grouped,
    improvement_items,
    review_items,
)
from scoring.models import AccountScore, KeyOverride, OverrideStatus, RunStatus, SegmentationRun
from surveys.models import OPEN_STATUSES, ImprovementAction

WITHIN_DAYS = 7
HOME_WITHIN_DAYS = 30  # the home page looks further ahead than the digests, under a "Later" heading
CAP = 50
OPEN_ACTIONS = (ActionStatus.TODO, ActionStatus.IN_PROGRESS)
# What a worklist or digest row shows of an action or checkpoint, its plan and its account: nothing else is
# read (an account or a plan row is mostly long texts). Read only these; anything else loads on access.
PLAN_TITLE = ("title", "title_params", "account__name")
ACTION_FIELDS = ("title", "due_on", "status", "plan", "review", *(f"plan__{f}" for f in PLAN_TITLE),
                 "review__account__name")  # fmt: skip
CHECKPOINT_FIELDS = ("label", "due_on", "objective__title", *(f"objective__plan__{f}" for f in PLAN_TITLE))
YOUR_ACCOUNTS = 15
UNREAD_SHOWN = 10


@dataclass
class Worklist:
    today: date
    reviews: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    checkpoints: list = field(default_factory=list)
    improvement_actions: list = field(default_factory=list)
    plans_to_approve: list = field(default_factory=list)
    overrides_to_decide: list = field(default_factory=list)
    key_changes: list = field(default_factory=list)

    @property
    def items(self) -> list[WorkItem]:
        """Everything dated, side by side: reviews, actions, checkpoints and improvement actions."""
        return (
            review_items(self.reviews)
            + action_items(self.actions)
            + checkpoint_items(self.checkpoints)
            + improvement_items(self.improvement_actions)
        )

    @property
    def groups(self) -> list[tuple[str, str | Promise, list[WorkItem]]]:
        """The dated items under the headings Overdue, This week and Later."""
        return grouped(self.items, self.today)

    @property
    def due_groups(self) -> list[DueGroup]:
        """As `groups`, with the first few items of each ready to show, as the home page lists them."""
        return due_groups(self.items, self.today)

    # Health's own section (playbook actions and risks the user owns): health.worklist provides it.
    health: HealthWork = field(default_factory=HealthWork)

    @property
    def action_count(self) -> int:
        """The plan and review actions plus the survey improvement actions listed under "Your actions"."""
        return len(self.actions) + len(self.improvement_actions)

    @property
    def due_count(self) -> int:
        """Items with a date or a decision waiting: what a digest reports."""
        return sum(
            len(items)
            for items in (
                self.reviews,
                self.actions,
                self.checkpoints,
                self.improvement_actions,
                self.plans_to_approve,
                self.overrides_to_decide,
            )
        )

    @property
    def is_empty(self) -> bool:
        return not (self.due_count or self.key_changes or self.health.count)


@dataclass
class Unread:
    """The unread survey alerts and other notifications the home page lists (the newest ten of each), and how many
    are unread in all (the navigation bar's badge)."""

    survey_alerts: list = field(default_factory=list)
    notifications: list = field(default_factory=list)
    total: int = 0

    def __bool__(self) -> bool:
        return bool(self.survey_alerts or self.notifications)


def recordable(user: User) -> QuerySet[Account]:
    """The accounts a user runs and may record reviews and actuals for.

    A contributor named service manager serves the account but does not record its reviews
    (Account.objects.editable_by): listing them would be a list of things she cannot do.
    """
    return Account.objects.editable_by(user).filter(Q(owner=user) | Q(service_manager=user))


def reviews_due_for(accounts: QuerySet[Account], *, today: date, within_days: int = WITHIN_DAYS) -> list:
    """Reviews due or overdue for these accounts."""
    return reviews_due(accounts=accounts, within_days=within_days, today=today)[:CAP]


def open_actions(user: User, *, until: date) -> list[Action]:
    actions = Action.objects.filter(owner=user, status__in=OPEN_ACTIONS, due_on__lte=until)
    # Actions decided at a review may have no plan; those of a closed plan are over.
    actions = actions.exclude(plan__status=PlanStatus.CLOSED).select_related("plan__account", "review__account")
    actions = actions.only(*ACTION_FIELDS)
    return list(actions.order_by("due_on", "pk")[:CAP])


def checkpoints_due(accounts: QuerySet[Account], *, until: date) -> list[Checkpoint]:
    """KPI checkpoints of plans in force whose date has come (or comes soon) without an actual recorded."""
    checkpoints = Checkpoint.objects.filter(
        actual=None, due_on__lte=until, objective__plan__status__in=IN_FORCE, objective__plan__account__in=accounts
    )
    checkpoints = checkpoints.select_related("objective__plan__account")
    checkpoints = checkpoints.only(*CHECKPOINT_FIELDS)
    return list(checkpoints.order_by("due_on", "pk")[:CAP])


def improvement_actions_due(user: User, *, until: date) -> list:
    """Survey improvement actions the user owns."""
    actions = ImprovementAction.objects.filter(owner=user, status__in=OPEN_STATUSES, due_on__lte=until)
    actions = actions.select_related("account").only("account__name", "title", "status", "due_on")
    return list(actions.order_by("due_on", "pk")[:CAP])


def key_changes(accounts: QuerySet[Account], *, since: date | None = None) -> list[AccountScore]:
    """These accounts' key-status or segment changes in the latest run (finished since `since`, if given)."""
    runs = SegmentationRun.objects.filter(status=RunStatus.DONE)
    if since is not None:
        runs = runs.filter(finished_at__date__gte=since)
    latest = runs.order_by("-finished_at", "-pk").values("pk")[:1]  # a subquery: one round trip, not two
    changed = AccountScore.objects.filter(run=latest, account__in=accounts, was_key__isnull=False).exclude(
        Q(is_key=F("was_key")) & Q(segment=F("previous_segment"))
    )
    changed = changed.select_related("account").only(
        "account__name", "is_key", "was_key", "segment", "previous_segment"
    )
    return list(changed.order_by("account__name")[:CAP])


def unread_for(user: User) -> Unread:
    """The newest unread survey alerts and other notifications, ten of each, and the count of all, in one query."""
    is_alert = ExpressionWrapper(Q(kind="survey_alert"), output_field=BooleanField())
    rank = Window(RowNumber(), partition_by=[is_alert], order_by=[F("created_at").desc(), F("id").desc()])
    rows = Notification.objects.filter(user=user, read_at=None)
    # The windows are counted over every unread row, before the filter on rank keeps the first ten of each kind.
    rows = rows.annotate(is_alert=is_alert, rank=rank, total=Window(Count("pk")))
    unread = Unread()
    for notification in rows.filter(rank__lte=UNREAD_SHOWN).order_by("-created_at", "-id"):
        (unread.survey_alerts if notification.is_alert else unread.notifications).append(notification)
        unread.total = notification.total
    return unread


def your_accounts(user: User) -> list[Account]:
    """The accounts a user owns, sponsors or serves, key accounts first, then by revenue: the first fifteen.

    A manager may own thousands: rather than sorting them all, her key accounts and her others are each read
    from the (owner, revenue) index, fifteen at most, and merged with the few she sponsors or serves. (is_key is
    not in the index: segmentation runs rewrite it on every account, which an index on it would slow down.)
    """
    by_revenue = F("last_year_revenue").desc(nulls_last=True)
    visible = Account.objects.visible_to(user).only("name", "is_key", "last_year_revenue")
    if visible.query.is_empty():  # a reader with no role: a union of nothing could not be ordered
        return []
    if not connection.features.supports_slicing_ordering_in_compound:  # SQLite: one query sorting them all
        mine = visible.filter(Q(owner=user) | Q(executive_sponsor=user) | Q(service_manager=user))
        return list(mine.order_by("-is_key", by_revenue)[:YOUR_ACCOUNTS])
    owned = visible.filter(owner=user).order_by(by_revenue)
    others = visible.filter(Q(executive_sponsor=user) | Q(service_manager=user)).order_by("-is_key", by_revenue)
    firsts = [owned.filter(is_key=True)[:YOUR_ACCOUNTS], owned.filter(is_key=False)[:YOUR_ACCOUNTS]]
    return list(others[:YOUR_ACCOUNTS].union(*firsts).order_by("-is_key", by_revenue)[:YOUR_ACCOUNTS])


def worklist_for(*, user: User, today: date | None = None, within_days: int = WITHIN_DAYS) -> Worklist:
    today = today or timezone.localdate()
    until = today + timedelta(days=within_days)
    mine = recordable(user)
    concerned = Account.objects.visible_to(user).filter(
        Q(owner=user) | Q(service_manager=user) | Q(executive_sponsor=user)
    )
    return Worklist(
        today=today,
        reviews=reviews_due_for(mine.select_related("owner"), today=today, within_days=within_days),
        actions=open_actions(user, until=until),
        checkpoints=checkpoints_due(mine, until=until),
        improvement_actions=improvement_actions_due(user, until=until),
        plans_to_approve=list(
            AccountPlan.objects.approvable_by(user)
            .filter(status=PlanStatus.SUBMITTED)
            .select_related("account")
            .order_by("submitted_at", "pk")[:CAP]
        ),
        overrides_to_decide=list(
            KeyOverride.objects.decidable_by(user)
            .filter(status=OverrideStatus.PROPOSED)
            .select_related("account", "proposed_by")
            .order_by("proposed_at", "pk")[:CAP]
        ),
        key_changes=key_changes(concerned),
        health=health_work_for(user=user),
    )
