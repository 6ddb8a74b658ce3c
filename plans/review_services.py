"""Writes of the review routine: recording a review with its follow-ups, account cadences, escalation, activation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import Account, Contact
from kam.events import event_emit
from kam.models import Notification, User
from kam.notifications import notifications_send
from kam.texts import text_ref
from plans import texts
from plans.models import (
    IN_FORCE,
    IN_PREPARATION,
    SCHEDULED_TYPES,
    AccountCadence,
    AccountPlan,
    Action,
    PlanStatus,
    Review,
    UnbilledService,
)
from plans.reviews import DueReview, reviews_due


@dataclass(frozen=True)
class FollowUp:
    """An action decided at a review: what, who, by when."""

    title: str
    owner: User | None
    due_on: date


def review_current_plan(*, account: Account) -> AccountPlan | None:
    """The plan a review works with: the one in force, else the one in preparation."""
    plans = list(account.plans.filter(status__in=(*IN_FORCE, *IN_PREPARATION)))
    by_status = {plan.status: plan for plan in plans}
    return next(
        (by_status[s] for s in (PlanStatus.ACTIVE, PlanStatus.APPROVED, *IN_PREPARATION) if s in by_status), None
    )


def review_save(
    *,
    review: Review,
    by: User,
    our_attendees: Iterable[User],
    their_attendees: Iterable[Contact],
    services: Iterable[UnbilledService],
    follow_ups: Iterable[FollowUp] = (),
) -> Review:
    """Record (or update) a review; its follow-ups become actions on the account's current plan, if any.

    An action always lives in one table (`plans.Action`): on the plan when there is one,
    so the plan's list stays complete, and linked to the review either way so the review
    page lists what it decided. Each new action's owner is notified.
    """
    plan = review_current_plan(account=review.account)
    with transaction.atomic():
        if review.pk is None:
            review.created_by, review.plan = by, plan
        review.save()
        review.our_attendees.set(list(our_attendees))
        review.their_attendees.set(list(their_attendees))
        review.highlighted_services.set(list(services))
        actions = bulk_create_with_history(
            [Action(plan=plan, review=review, title=f.title, owner=f.owner, due_on=f.due_on) for f in follow_ups],
            Action,
            default_user=by,
        )
    for action in actions:
        if action.owner is None or action.owner == by:
            continue

        def message_for(user: User, action: Action = action) -> dict:
            return text_ref(
                texts.REVIEW_ACTION,
                who=by,
                type=text_ref(f"plans.review_type.{review.review_type}", lower=True),
                account=review.account.name,
                action=action.title,
                due=action.due_on,
            )

        notifications_send(
            users=[action.owner],
            kind="review_action",
            message_for=message_for,
            url=action.get_absolute_url(),
            dedupe_key=f"review-action-{action.pk}",
        )
    return review


def account_cadence_set(*, account: Account, every_months: dict[str, int | None]) -> None:
    """An account's own cadence per review type; None goes back to the segment's, 0 switches the type off.

    Unchanged values are left alone: the date a cadence last changed starts the clock
    of an account never reviewed of that type.
    """
    current = {c.review_type: c for c in account.review_cadences.all()}
    for review_type in SCHEDULED_TYPES:
        wanted, own = every_months.get(review_type), current.get(review_type)
        if wanted is None:
            if own is not None:
                own.delete()
        elif own is None:
            AccountCadence.objects.create(account=account, review_type=review_type, every_months=wanted)
        elif own.every_months != wanted:
            own.every_months = wanted
            own.save(update_fields=["every_months", "updated_at"])


def _escalation_key(due) -> str:
    return f"review-overdue-{due.account.pk}-{due.review_type}-{due.due_on.isoformat()}"


def reviews_escalate(*, today: date | None = None) -> int:
    """Tell each account's executive sponsor of every review overdue by more than REVIEW_ESCALATION_DAYS.

    Once per missed due date: the dedupe key names the account, the type and the due date,
    so a retried or doubled run notifies nobody twice, and the next missed date notifies anew.
    Returns the number of notifications created.
    """
    grace = settings.REVIEW_ESCALATION_DAYS
    accounts = Account.objects.filter(executive_sponsor__isnull=False).select_related("executive_sponsor")
    late = [due for due in reviews_due(accounts=accounts, within_days=0, today=today) if due.days_overdue > grace]
    # Skip what was already escalated in one query, rather than one lookup per overdue review.
    sent = Notification.objects.filter(dedupe_key__in=[_escalation_key(d) for d in late])
    done = set(sent.values_list("user_id", "dedupe_key"))
    created = 0
    for due in late:
        if (due.account.executive_sponsor_id, _escalation_key(due)) in done:
            continue

        def message_for(user: User, due: DueReview = due) -> dict:
            return text_ref(
                texts.REVIEW_OVERDUE,
                type=text_ref(f"plans.review_type.{due.review_type}", lower=True),
                account=due.account.name,
                days=due.days_overdue,
                due=due.due_on,
            )

        new = notifications_send(
            users=[due.account.executive_sponsor],
            kind="review_overdue",
            message_for=message_for,
            url=f"{due.account.get_absolute_url()}#reviews",
            dedupe_key=_escalation_key(due),
        )
        if new:  # once per missed due date, as the escalation
            event_emit(
                event="review.overdue",
                payload={
                    "account": due.account.pk,
                    "review_type": due.review_type,
                    "due_on": due.due_on.isoformat(),
                    "days_overdue": due.days_overdue,
                },
            )
        created += len(new)
    return created


def plans_activate(*, today: date | None = None) -> int:
    """Approved plans whose start date has come become active; running it again changes nothing."""
    today = today or timezone.localdate()
    starting = AccountPlan.objects.filter(status=PlanStatus.APPROVED, starts_on__lte=today)
    with transaction.atomic():
        # The plan each one replaces closes first: one active plan per account.
        AccountPlan.objects.filter(status=PlanStatus.ACTIVE, account__in=starting.values("account")).update(
            status=PlanStatus.CLOSED, updated_at=timezone.now()
        )
        return starting.update(status=PlanStatus.ACTIVE, updated_at=timezone.now())
