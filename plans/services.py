"""Writes on account plans: creation from the account profile, the approval workflow, versions, next year."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history

from accounts.models import Account
from kam.events import event_emit
from kam.models import Notification, User
from kam.notifications import notifications_send
from kam.texts import text_ref
from plans import texts
from plans.content import SECTION_FIELDS, plan_with_content
from plans.models import (
    IN_FORCE,
    IN_PREPARATION,
    PLAN_TITLE_ONE_YEAR_SOURCE,
    PLAN_TITLE_SOURCE,
    AccountPlan,
    Action,
    ActionStatus,
    Checkpoint,
    CommentKind,
    Objective,
    PlanComment,
    PlanStatus,
    PlanVersion,
    Resource,
)

OPEN_ACTION_STATUSES = (ActionStatus.TODO, ActionStatus.IN_PROGRESS)
MIN_HORIZON_DAYS = 365 - 1  # a plan from 1 Jan to 31 Dec covers 364 days between its ends
MAX_HORIZON_DAYS = 3 * 366


class PlanRefused(Exception):
    """A workflow step or a change the rules refuse, with the reason to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def horizon_check(*, starts_on: date, ends_on: date) -> None:
    """A plan covers 1 to 3 years; anything else is refused with the reason."""
    days = (ends_on - starts_on).days
    if days < 0:
        raise PlanRefused(gettext("The plan must end after it starts."))
    if not MIN_HORIZON_DAYS <= days <= MAX_HORIZON_DAYS:
        months = round((days + 1) / 30.44)
        raise PlanRefused(
            gettext(
                "An account plan covers 1 to 3 years (a long-term strategy, not a 3–12 month sales cycle); "
                "this one covers about %(months)s months."
            )
            % {"months": months}
        )


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def plan_default_dates(*, today: date | None = None) -> tuple[date, date]:
    """Next calendar year by default: plans are usually prepared in the autumn."""
    today = today or timezone.localdate()
    start = date(today.year + 1, 1, 1) if today.month >= 10 else date(today.year, 1, 1)
    return start, add_years(start, 1) - timedelta(days=1)


def plan_title_params(*, account: Account, starts_on: date, ends_on: date) -> dict:
    """ "Acme account plan 2027", or "… 2027–2028" when the horizon spans calendar years."""
    if starts_on.year == ends_on.year:
        return {"account": account.name, "year": starts_on.year}
    return {"account": account.name, "start": starts_on.year, "end": ends_on.year}


def plan_default_title(*, params: dict) -> str:
    """The title the app gives a plan, stored untranslated; each reader sees it in their language
    (AccountPlan.display_title) until someone retitles the plan."""
    return (PLAN_TITLE_ONE_YEAR_SOURCE if "year" in params else PLAN_TITLE_SOURCE) % params


def plan_create(*, account: Account, by: User, starts_on: date, ends_on: date, title: str = "") -> AccountPlan:
    """A draft plan whose business, strategy and difficulties start from the account's profile."""
    horizon_check(starts_on=starts_on, ends_on=ends_on)
    if account.plans.filter(status__in=IN_PREPARATION).exists():
        raise PlanRefused(gettext("This account already has a plan in preparation: finish or submit it first."))
    title_params = None if title else plan_title_params(account=account, starts_on=starts_on, ends_on=ends_on)
    plan = AccountPlan.objects.create(
        account=account,
        title=title or plan_default_title(params=title_params or {}),
        title_params=title_params,
        starts_on=starts_on,
        ends_on=ends_on,
        business=account.business,
        strategy=account.goals,
        difficulties=account.difficulties,
        created_by=by,
    )
    # Follow-up actions decided at reviews while the account had no plan join this one.
    Action.objects.filter(review__account=account, plan=None, status__in=OPEN_ACTION_STATUSES).update(plan=plan)
    return plan


def plan_update_dates(*, plan: AccountPlan, starts_on: date, ends_on: date) -> AccountPlan:
    horizon_check(starts_on=starts_on, ends_on=ends_on)
    plan.starts_on, plan.ends_on = starts_on, ends_on
    plan.save(update_fields=["starts_on", "ends_on", "updated_at"])
    return plan


def _kam_users(plan: AccountPlan) -> list[User | None]:
    return [plan.account.owner, plan.account.service_manager, plan.created_by]


def _authors(plan: AccountPlan) -> set[int]:
    """Who had a hand in the plan (see AccountPlan.objects.written_by): none of them approves it."""
    submitters = plan.comments.filter(kind=CommentKind.SUBMITTED).values_list("author_id", flat=True)
    people = {plan.created_by_id, plan.account.owner_id, plan.account.service_manager_id, *submitters}
    return {pk for pk in people if pk is not None}


def _approvers(plan: AccountPlan) -> list[User]:
    authors = _authors(plan)
    sponsor = plan.account.executive_sponsor
    if sponsor is not None and sponsor.pk not in authors:
        return [sponsor]
    # No sponsor named, or the sponsor wrote the plan: the administrators who did not write it decide.
    from kam.roles import Role

    return list(User.objects.filter(is_active=True, groups__name=Role.ADMINISTRATOR).exclude(pk__in=authors).distinct())


def _submitted_key_prefix(plan: AccountPlan) -> str:
    return f"plan-{plan.pk}-submitted-"


def _approval_requests_clear(plan: AccountPlan) -> int:
    """The plan is decided: every approver's request for a decision is dealt with, whoever decided.

    As override_decide does for overrides; the notifications stay in the list, read.
    """
    return Notification.objects.filter(
        kind="plan_submitted", dedupe_key__startswith=_submitted_key_prefix(plan), read_at=None
    ).update(read_at=timezone.now())


def _plan_payload(plan: AccountPlan, *, by: User) -> dict:
    return {
        "plan": plan.pk,
        "account": plan.account_id,
        "title": plan.title,
        "status": plan.status,
        "by": by.username,
    }


def plan_submit(*, plan: AccountPlan, by: User) -> AccountPlan:
    if plan.status != PlanStatus.DRAFT:
        raise PlanRefused(gettext("Only a draft can be submitted."))
    if not plan.objectives.exists():
        raise PlanRefused(gettext("Add at least one objective before submitting the plan."))
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    PlanComment.objects.create(plan=plan, author=by, kind=CommentKind.SUBMITTED)
    event_emit(event="plan.submitted", payload=_plan_payload(plan, by=by))
    notifications_send(
        users=_approvers(plan),
        kind="plan_submitted",
        message_for=lambda user: text_ref(texts.PLAN_SUBMITTED, who=by, plan=plan.title_ref),
        url=plan.get_absolute_url(),
        dedupe_key=f"{_submitted_key_prefix(plan)}{plan.submitted_at.isoformat()}",
    )
    return plan


def plan_approve(*, plan: AccountPlan, by: User, comment: str = "", today: date | None = None) -> AccountPlan:
    """Freeze the content as a new version, put the plan in force and close the one it replaces."""
    if plan.status != PlanStatus.SUBMITTED:
        raise PlanRefused(gettext("Only a submitted plan can be approved."))
    if AccountPlan.objects.written_by(by).filter(pk=plan.pk).exists():
        raise PlanRefused(gettext("You wrote this plan: another sponsor or an administrator approves it."))
    today = today or timezone.localdate()
    with transaction.atomic():
        starts_now = plan.starts_on <= today
        others = plan.account.plans.exclude(pk=plan.pk)
        # A plan starting later waits, approved, while the running one goes on collecting its last
        # actuals; plans_activate closes it on the new plan's start date.
        replaced = others.filter(status__in=IN_FORCE) if starts_now else others.filter(status=PlanStatus.APPROVED)
        replaced.update(status=PlanStatus.CLOSED)
        plan.status = PlanStatus.ACTIVE if starts_now else PlanStatus.APPROVED
        plan.approved_at = timezone.now()
        plan.approved_by = by
        plan.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
        number = plan.versions.count() + 1
        PlanVersion.objects.create(
            plan=plan, number=number, snapshot=plan_snapshot(plan=plan), approved_by=by, approved_at=plan.approved_at
        )
        PlanComment.objects.create(plan=plan, author=by, kind=CommentKind.APPROVED, text=comment)
        _approval_requests_clear(plan)
        event_emit(event="plan.approved", payload=_plan_payload(plan, by=by) | {"version": number})
    notifications_send(
        users=_kam_users(plan),
        kind="plan_approved",
        message_for=lambda user: text_ref(texts.PLAN_APPROVED, who=by, plan=plan.title_ref, number=number),
        url=plan.get_absolute_url(),
        dedupe_key=f"plan-{plan.pk}-approved-v{number}",
    )
    return plan


def plan_send_back(*, plan: AccountPlan, by: User, comment: str) -> AccountPlan:
    if plan.status != PlanStatus.SUBMITTED:
        raise PlanRefused(gettext("Only a submitted plan can be sent back."))
    if not comment.strip():
        raise PlanRefused(gettext("Say what should change: a comment is required to send a plan back."))
    plan.status = PlanStatus.DRAFT
    plan.save(update_fields=["status", "updated_at"])
    sent_back = PlanComment.objects.create(plan=plan, author=by, kind=CommentKind.SENT_BACK, text=comment.strip())
    _approval_requests_clear(plan)
    notifications_send(
        users=_kam_users(plan),
        kind="plan_sent_back",
        message_for=lambda user: text_ref(
            texts.PLAN_SENT_BACK, who=by, plan=plan.title_ref, comment=comment.strip()[:200]
        ),
        url=plan.get_absolute_url(),
        dedupe_key=f"plan-{plan.pk}-sent-back-{sent_back.pk}",
    )
    return plan


def plan_revise(*, plan: AccountPlan, by: User) -> AccountPlan:
    """Reopen an approved plan as a draft; its approved versions stay readable."""
    if plan.status not in IN_FORCE:
        raise PlanRefused(gettext("Only an approved or active plan can be revised."))
    if plan.account.plans.filter(status__in=IN_PREPARATION).exists():
        raise PlanRefused(gettext("This account already has a plan in preparation."))
    plan.status = PlanStatus.DRAFT
    plan.save(update_fields=["status", "updated_at"])
    PlanComment.objects.create(plan=plan, author=by, text=gettext("Reopened for revision."))
    return plan


def plan_comment_add(*, plan: AccountPlan, by: User, text: str) -> PlanComment:
    if not text.strip():
        raise PlanRefused(gettext("Write a comment first."))
    return PlanComment.objects.create(plan=plan, author=by, text=text.strip())


def plan_start_next(*, plan: AccountPlan, by: User) -> AccountPlan:
    """Next year's plan: the same horizon one year later, a copy to edit, baselines from the latest actuals."""
    if plan.account.plans.filter(status__in=IN_PREPARATION).exists():
        raise PlanRefused(gettext("This account already has a plan in preparation."))
    source = plan_with_content(AccountPlan.objects.filter(pk=plan.pk)).get()
    starts_on, ends_on = add_years(source.starts_on, 1), add_years(source.ends_on, 1)
    with transaction.atomic():
        title_params = plan_title_params(account=source.account, starts_on=starts_on, ends_on=ends_on)
        new = AccountPlan.objects.create(
            account=source.account,
            title=plan_default_title(params=title_params),
            title_params=title_params,
            starts_on=starts_on,
            ends_on=ends_on,
            previous=source,
            created_by=by,
            **{field: getattr(source, field) for field in SECTION_FIELDS},
        )
        objective_map = {}
        for objective in source.objectives.all():
            latest = [c.actual for c in objective.checkpoints.all() if c.actual is not None]
            objective_map[objective.pk] = Objective.objects.create(
                plan=new,
                title=objective.title,
                metric=objective.metric,
                custom_metric=objective.custom_metric,
                baseline=latest[-1] if latest else objective.baseline,
                target=objective.target,
                due_on=objective.due_on if objective.due_on >= starts_on else ends_on,
                position=objective.position,
                line=objective.line,
                line_account=objective.line_account,
            )
            # Checkpoints still ahead of the new start carry over, without their actuals.
            # With their "+" history rows: the plan's history starts with what the renewal carried over.
            bulk_create_with_history(
                [
                    Checkpoint(objective=objective_map[objective.pk], label=c.label, due_on=c.due_on, target=c.target)
                    for c in objective.checkpoints.all()
                    if c.due_on >= starts_on
                ],
                Checkpoint,
                default_user=by,
            )
        bulk_create_with_history(
            [
                Action(
                    plan=new,
                    title=a.title,
                    owner_id=a.owner_id,
                    objective=objective_map.get(a.objective_id),
                    due_on=a.due_on,
                    status=a.status,
                )
                for a in source.actions.all()
                if a.status in (ActionStatus.TODO, ActionStatus.IN_PROGRESS)
            ],
            Action,
            default_user=by,
        )
        Resource.objects.bulk_create(
            Resource(plan=new, kind=r.kind, description=r.description, amount=r.amount) for r in source.resources.all()
        )
    return new


def action_create(*, action: Action, by: User) -> Action:
    """Save a new plan action; its owner, when someone else, is told it is theirs."""
    action.save()
    action_assigned_notify(actions=[action], by=by)
    return action


def action_assigned_notify(*, actions: Iterable[Action], by: User) -> int:
    """Tell each action's owner it was given to them, once per action and owner; not who gave it to himself."""
    sent = 0
    for action in actions:
        if action.owner_id is None or action.owner_id == by.pk:
            continue
        ref = text_ref(
            texts.ACTION_ASSIGNED,
            who=by,
            plan=action.plan.title_ref if action.plan is not None else "",
            action=action.title,
            due=action.due_on,
        )
        sent += len(
            notifications_send(
                users=[action.owner],
                kind="action_assigned",
                message_for=lambda user: ref,  # noqa: B023 - sent within this iteration
                url=action.get_absolute_url(),
                dedupe_key=f"action-{action.pk}-owner-{action.owner_id}",
            )
        )
    return sent


def checkpoint_record(*, checkpoint: Checkpoint, actual: Decimal | None, by: User) -> Checkpoint:
    checkpoint.actual = actual
    checkpoint.recorded_at = timezone.now() if actual is not None else None
    checkpoint.recorded_by = by if actual is not None else None
    checkpoint.save(update_fields=["actual", "recorded_at", "recorded_by"])
    return checkpoint


def _text(value) -> str | None:
    return None if value is None else str(value)


def plan_snapshot(*, plan: AccountPlan) -> dict:
    """The plan's content as plain JSON, frozen in a version."""
    plan = plan_with_content(AccountPlan.objects.filter(pk=plan.pk)).get()
    return {
        "title": plan.title,
        "account": plan.account.name,
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "sections": {field: getattr(plan, field) for field in SECTION_FIELDS},
        "objectives": [
            {
                "title": o.title,
                "metric": o.metric_label,
                "line": o.line.name if o.line else "",
                "at": (o.line_account or plan.account).name if o.line else "",
                "baseline": _text(o.baseline),
                "target": _text(o.target),
                "due_on": o.due_on.isoformat(),
                "checkpoints": [
                    {
                        "label": c.label,
                        "due_on": c.due_on.isoformat(),
                        "target": _text(c.target),
                        "actual": _text(c.actual),
                    }
                    for c in o.checkpoints.all()
                ],
            }
            for o in plan.objectives.all()
        ],
        "actions": [
            {
                "title": a.title,
                "owner": str(a.owner) if a.owner else "",
                "objective": a.objective.title if a.objective else "",
                "due_on": a.due_on.isoformat(),
                "status": a.get_status_display(),
            }
            for a in plan.actions.all()
        ],
        "resources": [
            {"kind": r.get_kind_display(), "description": r.description, "amount": _text(r.amount)}
            for r in plan.resources.all()
        ],
        "unbilled_services": [
            {
                "description": s.description,
                "given_on": s.given_on.isoformat(),
                "estimated_value": _text(s.estimated_value),
            }
            for s in plan.unbilled_services.all()
        ],
    }
