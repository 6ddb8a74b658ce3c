"""What one user must do next: the home page's worklist, and the daily and weekly digests built from it.

A fixed number of queries per user, whatever the number of items (each list is capped).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from accounts.models import Account
from health.worklist import HealthWork, health_work_for
from kam.models import Notification, User
from plans.models import IN_FORCE, AccountPlan, Action, ActionStatus, Checkpoint, PlanStatus
from plans.reviews import reviews_due
from portfolio.work_items import (
    WorkItem,
    action_items,
    checkpoint_items,
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


@dataclass
class Worklist:
    today: date
    reviews: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    checkpoints: list = field(default_factory=list)
    improvement_actions: list = field(default_factory=list)
    plans_to_approve: list = field(default_factory=list)
    overrides_to_decide: list = field(default_factory=list)
    survey_alerts: list = field(default_factory=list)
    key_changes: list = field(default_factory=list)
    notifications: list = field(default_factory=list)

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
        return not (self.due_count or self.survey_alerts or self.key_changes or self.notifications or self.health.count)


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
    return list(actions.select_related("account").order_by("due_on", "pk")[:CAP])


def key_changes(accounts: QuerySet[Account], *, since: date | None = None) -> list[AccountScore]:
    """These accounts' key-status or segment changes in the latest run (finished since `since`, if given)."""
    runs = SegmentationRun.objects.filter(status=RunStatus.DONE)
    if since is not None:
        runs = runs.filter(finished_at__date__gte=since)
    run = runs.order_by("-finished_at", "-pk").first()
    if run is None:
        return []
    changed = AccountScore.objects.filter(run=run, account__in=accounts, was_key__isnull=False).exclude(
        Q(is_key=F("was_key")) & Q(segment=F("previous_segment"))
    )
    return list(changed.select_related("account", "run").order_by("account__name")[:CAP])


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
        survey_alerts=list(Notification.objects.filter(user=user, kind="survey_alert", read_at=None)[:10]),
        key_changes=key_changes(concerned),
        notifications=list(Notification.objects.filter(user=user, read_at=None).exclude(kind="survey_alert")[:10]),
        health=health_work_for(user=user),
    )
