"""Plan services: horizon, workflow, versions, next year's copy, progress rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError

from accounts.tests.factories import AccountFactory
from kam.models import Notification
from plans.models import AccountPlan, CommentKind, PlanStatus
from plans.progress import AT_RISK, NOT_MEASURED, OFF_TRACK, ON_TRACK, objective_progress
from plans.services import (
    PlanRefused,
    checkpoint_record,
    plan_approve,
    plan_create,
    plan_send_back,
    plan_start_next,
    plan_submit,
)
from plans.tests.factories import ActionFactory, CheckpointFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(manager, sponsor):
    return AccountFactory(
        owner=manager, executive_sponsor=sponsor, is_key=True, business="Makes bikes", goals="Export to Asia"
    )


def _draft(account, manager, **dates) -> AccountPlan:
    dates = dates or {"starts_on": date(2027, 1, 1), "ends_on": date(2028, 12, 31)}
    return plan_create(account=account, by=manager, **dates)


def test_plan_starts_from_the_account_profile(account, manager):
    plan = _draft(account, manager)
    assert plan.status == PlanStatus.DRAFT
    assert plan.business == "Makes bikes" and plan.strategy == "Export to Asia"


@pytest.mark.parametrize(("ends_on", "months"), [(date(2027, 6, 30), "6"), (date(2030, 12, 31), "48")])
def test_horizon_outside_one_to_three_years_is_refused_with_the_reason(account, manager, ends_on, months):
    with pytest.raises(PlanRefused) as refused:
        _draft(account, manager, starts_on=date(2027, 1, 1), ends_on=ends_on)
    assert "1 to 3 years" in refused.value.message and f"about {months} months" in refused.value.message
    assert not AccountPlan.objects.exists()


@pytest.mark.parametrize("ends_on", [date(2027, 12, 31), date(2029, 12, 31)])
def test_one_and_three_year_horizons_are_accepted(account, manager, ends_on):
    assert _draft(account, manager, starts_on=date(2027, 1, 1), ends_on=ends_on).pk


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "years"),
    [
        (date(2027, 1, 1), date(2027, 12, 31), "2027"),
        (date(2027, 4, 1), date(2028, 3, 31), "2027–2028"),
        (date(2027, 1, 1), date(2029, 12, 31), "2027–2029"),
    ],
)
def test_default_title_names_one_calendar_year_once(account, manager, starts_on, ends_on, years):
    plan = _draft(account, manager, starts_on=starts_on, ends_on=ends_on)
    assert plan.title == f"{account.name} account plan {years}"


def test_only_one_plan_in_preparation_per_account(account, manager):
    _draft(account, manager)
    with pytest.raises(PlanRefused):
        _draft(account, manager)
    with pytest.raises(IntegrityError):  # the database holds the rule too
        AccountPlan.objects.create(account=account, title="x", starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31))


def test_submit_needs_an_objective_and_notifies_the_sponsor(
    account, manager, sponsor, mailoutbox, django_capture_on_commit_callbacks
):
    plan = _draft(account, manager)
    with pytest.raises(PlanRefused, match="at least one objective"):
        plan_submit(plan=plan, by=manager)
    ObjectiveFactory(plan=plan)
    with django_capture_on_commit_callbacks(execute=True):
        plan_submit(plan=plan, by=manager)
    assert plan.status == PlanStatus.SUBMITTED
    note = Notification.objects.get(user=sponsor)
    assert plan.title in note.message and note.url == f"/plans/{plan.pk}/"
    assert mailoutbox[0].to == [sponsor.email]


def test_approval_freezes_a_version_that_later_edits_do_not_change(account, manager, sponsor):
    plan = _draft(account, manager)
    objective = ObjectiveFactory(plan=plan, title="Double revenue")
    plan_submit(plan=plan, by=manager)
    plan_approve(plan=plan, by=sponsor, comment="Go", today=date(2026, 11, 1))
    assert plan.status == PlanStatus.APPROVED  # starts in the future
    objective.title = "Something else"
    objective.save()
    version = plan.versions.get()
    assert version.number == 1 and version.snapshot["objectives"][0]["title"] == "Double revenue"
    assert Notification.objects.filter(user=manager, kind="plan_approved").exists()
    assert plan.comments.filter(kind=CommentKind.APPROVED, text="Go").exists()


def test_approval_of_a_started_plan_makes_it_active_and_closes_the_previous(account, manager, sponsor):
    old = _draft(account, manager, starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    ObjectiveFactory(plan=old)
    plan_submit(plan=old, by=manager)
    plan_approve(plan=old, by=sponsor, today=date(2025, 2, 1))
    new = plan_start_next(plan=old, by=manager)
    plan_submit(plan=new, by=manager)
    plan_approve(plan=new, by=sponsor, today=date(2026, 1, 5))
    old.refresh_from_db()
    assert (old.status, new.status) == (PlanStatus.CLOSED, PlanStatus.ACTIVE)


def test_next_years_plan_approved_early_waits_while_this_years_keeps_collecting_actuals(account, manager, sponsor):
    from plans.review_services import plans_activate

    current = _draft(account, manager, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    checkpoint = CheckpointFactory(objective=ObjectiveFactory(plan=current), due_on=date(2026, 12, 31))
    plan_submit(plan=current, by=manager)
    plan_approve(plan=current, by=sponsor, today=date(2026, 1, 5))
    following = plan_start_next(plan=current, by=manager)
    plan_submit(plan=following, by=manager)
    plan_approve(plan=following, by=sponsor, today=date(2026, 11, 20))
    current.refresh_from_db()
    assert (current.status, following.status) == (PlanStatus.ACTIVE, PlanStatus.APPROVED)
    checkpoint_record(checkpoint=checkpoint, actual=Decimal("120"), by=manager)  # Q4 still recorded
    assert plans_activate(today=date(2026, 12, 31)) == 0
    assert plans_activate(today=date(2027, 1, 1)) == 1
    current.refresh_from_db()
    following.refresh_from_db()
    assert (current.status, following.status) == (PlanStatus.CLOSED, PlanStatus.ACTIVE)


def test_send_back_needs_a_comment_returns_to_draft_and_keeps_it(account, manager, sponsor):
    plan = _draft(account, manager)
    ObjectiveFactory(plan=plan)
    plan_submit(plan=plan, by=manager)
    with pytest.raises(PlanRefused, match="comment is required"):
        plan_send_back(plan=plan, by=sponsor, comment="  ")
    plan_send_back(plan=plan, by=sponsor, comment="Targets too timid")
    assert plan.status == PlanStatus.DRAFT
    assert plan.comments.get(kind=CommentKind.SENT_BACK).text == "Targets too timid"
    assert "Targets too timid" in Notification.objects.get(user=manager, kind="plan_sent_back").message


def test_a_draft_cannot_be_approved(account, manager, sponsor):
    plan = _draft(account, manager)
    with pytest.raises(PlanRefused):
        plan_approve(plan=plan, by=sponsor)


def test_next_year_plan_copies_content_with_baselines_from_latest_actuals(account, manager, sponsor):
    plan = _draft(account, manager)
    plan.recommendations = "Partnership"
    plan.save()
    objective = ObjectiveFactory(plan=plan, baseline=100, target=200)
    CheckpointFactory(objective=objective, due_on=date(2027, 3, 31), target=125, actual=Decimal("130"))
    CheckpointFactory(objective=objective, label="Q1 2028", due_on=date(2028, 3, 31), target=175)
    ActionFactory(plan=plan, title="Open", objective=objective)
    ActionFactory(plan=plan, title="Finished", status="done")
    plan_submit(plan=plan, by=manager)
    plan_approve(plan=plan, by=sponsor)
    new = plan_start_next(plan=plan, by=manager)
    assert (new.starts_on, new.ends_on, new.status) == (date(2028, 1, 1), date(2029, 12, 31), PlanStatus.DRAFT)
    assert new.previous == plan and new.recommendations == "Partnership"
    copied = new.objectives.get()
    assert copied.baseline == Decimal("130")
    assert [(c.label, c.actual) for c in copied.checkpoints.all()] == [("Q1 2028", None)]
    assert [a.title for a in new.actions.all()] == ["Open"] and new.actions.get().objective == copied
    with pytest.raises(PlanRefused):
        plan_start_next(plan=plan, by=manager)


@pytest.mark.parametrize(
    ("actual", "status", "of_checkpoint", "completion"),
    [
        (130, ON_TRACK, 120, 30),
        (125, ON_TRACK, 100, 25),
        (121, AT_RISK, 84, 21),
        (119, OFF_TRACK, 76, 19),
        (90, OFF_TRACK, -40, -10),
    ],
)
def test_progress_rule_compares_the_latest_actual_with_its_checkpoint(actual, status, of_checkpoint, completion):
    progress = objective_progress(
        baseline=Decimal(100), target=Decimal(200), checkpoints=[(Decimal(125), Decimal(actual)), (Decimal(150), None)]
    )
    # The status judges the checkpoint; both shares are given, so the badge prints what it judges.
    assert (progress.status, progress.checkpoint_percent, progress.percent) == (status, of_checkpoint, completion)


def test_progress_of_a_falling_target_and_of_an_unmeasured_objective():
    fewer = objective_progress(baseline=Decimal(20), target=Decimal(10), checkpoints=[(Decimal(15), Decimal(14))])
    assert fewer.status == ON_TRACK
    assert objective_progress(baseline=Decimal(1), target=Decimal(2), checkpoints=[(Decimal(2), None)]).status == (
        NOT_MEASURED
    )


def test_checkpoint_record_keeps_who_and_when(manager):
    checkpoint = CheckpointFactory()
    checkpoint_record(checkpoint=checkpoint, actual=Decimal("126.5"), by=manager)
    checkpoint.refresh_from_db()
    assert checkpoint.actual == Decimal("126.5") and checkpoint.recorded_by == manager and checkpoint.recorded_at


# --- no one approves what they wrote ---------------------------------------------------------


@pytest.fixture
def manager_and_sponsor(db):
    """One person with both roles, sponsor of the very account he runs."""
    from django.contrib.auth.models import Group

    from kam.roles import Role
    from kam.tests.factories import UserFactory

    user = UserFactory(username="both-hats", role=Role.KEY_ACCOUNT_MANAGER)
    user.groups.add(Group.objects.get(name=Role.EXECUTIVE_SPONSOR))
    assert user.is_key_account_manager and user.is_executive_sponsor
    return user


def test_a_manager_who_is_also_the_sponsor_cannot_approve_his_own_plan(
    manager_and_sponsor, manager, admin_user, django_capture_on_commit_callbacks
):
    account = AccountFactory(owner=manager_and_sponsor, executive_sponsor=manager_and_sponsor, is_key=True)
    plan = _draft(account, manager_and_sponsor)
    ObjectiveFactory(plan=plan)
    with django_capture_on_commit_callbacks(execute=True):
        plan_submit(plan=plan, by=manager_and_sponsor)
    with pytest.raises(PlanRefused, match="You wrote this plan: another sponsor or an administrator approves it"):
        plan_approve(plan=plan, by=manager_and_sponsor)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED and not plan.versions.exists()
    assert not AccountPlan.objects.approvable_by(manager_and_sponsor).filter(pk=plan.pk).exists()
    # The request for approval goes to someone who may give it.
    assert list(Notification.objects.values_list("user__username", flat=True)) == [admin_user.username]
    # As sponsor of a colleague's account, he still approves.
    theirs = _draft(AccountFactory(owner=manager, executive_sponsor=manager_and_sponsor, is_key=True), manager)
    ObjectiveFactory(plan=theirs)
    plan_submit(plan=theirs, by=manager)
    assert plan_approve(plan=theirs, by=manager_and_sponsor).approved_by == manager_and_sponsor


def test_an_administrator_who_drafted_a_plan_cannot_approve_it_but_another_administrator_can(admin_user):
    from kam.roles import Role
    from kam.tests.factories import UserFactory

    account = AccountFactory(is_key=True)
    plan = _draft(account, admin_user)
    ObjectiveFactory(plan=plan)
    plan_submit(plan=plan, by=admin_user)
    with pytest.raises(PlanRefused):
        plan_approve(plan=plan, by=admin_user)
    colleague = UserFactory(username="second-admin", role=Role.ADMINISTRATOR)
    assert plan_approve(plan=plan, by=colleague).approved_by == colleague


def test_whoever_submitted_a_plan_does_not_approve_it(account, manager, admin_user):
    plan = _draft(account, manager)
    ObjectiveFactory(plan=plan)
    from kam.roles import Role
    from kam.tests.factories import UserFactory

    submitter = UserFactory(username="submitting-admin", role=Role.ADMINISTRATOR)
    plan_submit(plan=plan, by=submitter)
    assert not AccountPlan.objects.approvable_by(submitter).filter(pk=plan.pk).exists()
    assert AccountPlan.objects.approvable_by(admin_user).filter(pk=plan.pk).exists()
