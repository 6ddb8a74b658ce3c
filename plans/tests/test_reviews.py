"""The review routine's rules case by case: cadences, overrides, next due dates, escalation, plan activation."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import Account
from accounts.tests.factories import AccountFactory, ContactFactory
from kam.models import Notification
from plans.models import (
    AccountCadence,
    AccountPlan,
    Action,
    PlanStatus,
    Review,
    ReviewCadence,
    ReviewType,
)
from plans.review_services import (
    FollowUp,
    account_cadence_set,
    plans_activate,
    review_save,
    reviews_escalate,
)
from plans.reviews import account_cadences, add_months, cadences_of_account, reviews_due
from plans.services import plan_create
from plans.tests.factories import AccountPlanFactory

pytestmark = pytest.mark.django_db

TODAY = date(2027, 6, 15)
LONG_AGO = timezone.make_aware(datetime(2020, 1, 1))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 15), 1, date(2027, 2, 15)),
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2027, 12, 10), 1, date(2028, 1, 10)),
        (date(2027, 3, 31), 12, date(2028, 3, 31)),
    ],
)
def test_add_months_keeps_the_day_or_clamps_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


def _account(**fields) -> Account:
    """An account created long ago, under cadences unchanged since then: only its reviews set the dates."""
    account = AccountFactory(**{"is_key": True, "segment": "loyal_core", **fields})
    Account.objects.filter(pk=account.pk).update(created_at=LONG_AGO)
    ReviewCadence.objects.update(updated_at=LONG_AGO)
    return account


def _review(account, review_type, held_on) -> Review:
    return Review.objects.create(account=account, review_type=review_type, held_on=held_on)


def _due(accounts=None, within_days=7, today=TODAY) -> dict[tuple[int, str], object]:
    found = reviews_due(accounts=accounts or Account.objects.all(), within_days=within_days, today=today)
    return {(d.account.pk, d.review_type): d for d in found}


def test_default_cadences_schedule_loyal_core_monthly_quarterly_and_yearly():
    rules = {(r.segment, r.review_type): r.every_months for r in ReviewCadence.objects.all()}
    assert rules[("loyal_core", "follow_up")] == 1
    assert rules[("loyal_core", "business")] == 3
    assert rules[("loyal_core", "strategic")] == 12
    assert ("small", "follow_up") not in rules  # lighter for small accounts: a yearly look only
    assert rules[("small", "strategic")] == 12


def test_next_business_review_is_due_three_months_after_the_last_one():
    account = _account()
    _review(account, ReviewType.BUSINESS, date(2027, 1, 10))
    _review(account, ReviewType.BUSINESS, date(2027, 3, 20))  # only the latest counts
    _review(account, ReviewType.OTHER, date(2027, 6, 1))  # "other" meetings never reset a cadence
    due = _due(within_days=30)[(account.pk, "business")]
    assert due.due_on == date(2027, 6, 20)
    assert due.days_overdue == 0 and not due.is_overdue
    assert due.last_held_on == date(2027, 3, 20)
    assert (account.pk, "business") not in _due(within_days=4)


def test_a_late_review_counts_its_days_overdue():
    account = _account()
    _review(account, ReviewType.FOLLOW_UP, date(2027, 4, 30))
    due = _due()[(account.pk, "follow_up")]
    assert due.due_on == date(2027, 5, 30)
    assert due.days_overdue == 16 and due.is_overdue


def test_never_reviewed_type_is_due_one_interval_after_the_account_was_created():
    account = AccountFactory(is_key=True, segment="loyal_core")
    ReviewCadence.objects.update(updated_at=LONG_AGO)
    Account.objects.filter(pk=account.pk).update(created_at=timezone.make_aware(datetime(2027, 5, 10, 12)))
    due = _due(within_days=0, today=date(2027, 6, 12))
    assert due[(account.pk, "follow_up")].due_on == date(2027, 6, 10)
    assert due[(account.pk, "follow_up")].last_held_on is None
    assert (account.pk, "business") not in due  # due 10 August, not yet


def test_a_changed_segment_cadence_restarts_the_clock_of_never_reviewed_accounts():
    account = _account()
    ReviewCadence.objects.filter(segment="loyal_core", review_type="follow_up").update(
        updated_at=timezone.make_aware(datetime(2027, 6, 1, 9)), every_months=2
    )
    assert _due(within_days=60)[(account.pk, "follow_up")].due_on == date(2027, 8, 1)


def test_key_only_cadences_skip_accounts_that_are_not_key():
    key, not_key = _account(), _account(is_key=False)
    due = _due()
    assert (key.pk, "follow_up") in due and (not_key.pk, "follow_up") not in due
    ReviewCadence.objects.filter(segment="loyal_core", review_type="follow_up").update(key_only=False)
    assert (not_key.pk, "follow_up") in _due()


def test_account_override_replaces_the_segment_cadence_and_zero_switches_it_off():
    account = _account()
    _review(account, ReviewType.BUSINESS, date(2027, 5, 1))
    _review(account, ReviewType.FOLLOW_UP, date(2027, 6, 1))
    account_cadence_set(account=account, every_months={"business": 1, "follow_up": 0})
    AccountCadence.objects.update(updated_at=LONG_AGO)
    due = _due()
    assert due[(account.pk, "business")].due_on == date(2027, 6, 1)
    assert (account.pk, "follow_up") not in _due(within_days=365)
    account_cadence_set(account=account, every_months={"business": None, "follow_up": 0})
    assert not account.review_cadences.filter(review_type="business").exists()  # back to the segment's


def test_an_override_schedules_an_account_no_segment_cadence_reaches():
    account = _account(is_key=False, segment="")
    assert _due(within_days=365 * 3) == {}
    account_cadence_set(account=account, every_months={"strategic": 6})
    AccountCadence.objects.update(updated_at=LONG_AGO)
    assert (account.pk, "strategic") in _due()


def test_reviews_due_only_reads_the_accounts_given_and_sorts_by_due_date():
    early, late, elsewhere = _account(name="Early"), _account(name="Late"), _account(name="Elsewhere")
    _review(early, ReviewType.FOLLOW_UP, date(2027, 5, 1))
    _review(late, ReviewType.FOLLOW_UP, date(2027, 5, 20))
    found = reviews_due(accounts=Account.objects.exclude(pk=elsewhere.pk), today=TODAY)
    follow_ups = [d.account.name for d in found if d.review_type == "follow_up"]
    assert follow_ups == ["Early", "Late"]
    assert all(d.account.pk != elsewhere.pk for d in found)
    assert [d.due_on for d in found] == sorted(d.due_on for d in found)


def test_reviews_due_reads_a_fixed_number_of_queries(django_assert_num_queries):
    for i in range(3):
        _review(_account(), ReviewType.BUSINESS, date(2027, 1, 1 + i))
    with django_assert_num_queries(5):
        small = reviews_due(accounts=Account.objects.select_related("owner"), today=TODAY)
    for i in range(30):
        _review(_account(), ReviewType.BUSINESS, date(2027, 2, 1 + i % 27))
    with django_assert_num_queries(5):
        large = reviews_due(accounts=Account.objects.select_related("owner"), today=TODAY)
        assert all(d.account.owner is None for d in large)  # selected, no query per row
    assert len(large) > len(small)


@pytest.mark.parametrize("include_off", [False, True])
def test_one_accounts_cadences_read_in_one_query_match_the_portfolio_reading(include_off, django_assert_num_queries):
    reviewed, overridden, not_key, own_only, never = (
        _account(),
        _account(),
        _account(is_key=False),
        _account(is_key=False, segment=""),
        _account(segment="small"),
    )
    _review(reviewed, ReviewType.BUSINESS, date(2027, 3, 20))
    _review(reviewed, ReviewType.FOLLOW_UP, date(2027, 5, 2))
    _review(overridden, ReviewType.STRATEGIC, date(2026, 9, 1))
    account_cadence_set(account=overridden, every_months={"business": 1, "follow_up": 0})
    account_cadence_set(account=own_only, every_months={"strategic": 6})
    for account in (reviewed, overridden, not_key, own_only, never):
        account = Account.objects.get(pk=account.pk)
        expected = account_cadences(accounts=Account.objects.filter(pk=account.pk), include_off=include_off)
        with django_assert_num_queries(1):
            found = cadences_of_account(account=account, include_off=include_off)
        assert sorted(found, key=lambda c: c.review_type) == sorted(expected, key=lambda c: c.review_type)
    assert cadences_of_account(account=not_key) == []
    assert {c.review_type for c in cadences_of_account(account=reviewed)} == {"follow_up", "business", "strategic"}


def test_review_follow_ups_join_the_plan_in_force(manager, other_manager):
    account = _account(owner=manager)
    plan = AccountPlanFactory(account=account, status=PlanStatus.ACTIVE)
    contact = ContactFactory(account=account)
    review = review_save(
        review=Review(account=account, review_type=ReviewType.BUSINESS, held_on=TODAY, decisions="Pilot in Lyon"),
        by=manager,
        our_attendees=[manager],
        their_attendees=[contact],
        services=[],
        follow_ups=[FollowUp(title="Send the pilot offer", owner=other_manager, due_on=TODAY + timedelta(days=10))],
    )
    action = Action.objects.get(title="Send the pilot offer")
    assert action.plan == plan and action.review == review and review.plan == plan
    assert list(review.their_attendees.all()) == [contact]
    note = Notification.objects.get(user=other_manager, kind="review_action")
    assert "Send the pilot offer" in note.message and note.url == f"/plans/{plan.pk}/#actions"


def test_review_follow_ups_without_a_plan_stay_with_the_review_then_join_the_next_plan(manager):
    account = _account(owner=manager)
    review = review_save(
        review=Review(account=account, review_type=ReviewType.FOLLOW_UP, held_on=TODAY),
        by=manager,
        our_attendees=[manager],
        their_attendees=[],
        services=[],
        follow_ups=[FollowUp(title="Map the buying committee", owner=manager, due_on=TODAY)],
    )
    action = review.actions.get()
    assert action.plan is None and action.get_absolute_url() == f"/plans/reviews/{review.pk}/"
    plan = plan_create(account=account, by=manager, starts_on=date(2028, 1, 1), ends_on=date(2028, 12, 31))
    action.refresh_from_db()
    assert action.plan == plan


def test_escalation_tells_the_sponsor_once_per_missed_due_date(
    sponsor, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.REVIEW_ESCALATION_DAYS = 14
    late = _account(name="Late Ltd", executive_sponsor=sponsor)
    _review(late, ReviewType.FOLLOW_UP, date(2027, 4, 30))  # due 30 May: 16 days late on 15 June
    for review_type in ("business", "strategic"):
        _review(late, review_type, date(2027, 6, 1))
    borderline = _account(name="Borderline", executive_sponsor=sponsor)
    _review(borderline, ReviewType.FOLLOW_UP, date(2027, 5, 1))  # due 1 June: 14 days late, not more
    for review_type in ("business", "strategic"):
        _review(borderline, review_type, date(2027, 6, 1))
    _review(_account(name="No sponsor"), ReviewType.FOLLOW_UP, date(2027, 1, 1))

    with django_capture_on_commit_callbacks(execute=True):
        assert reviews_escalate(today=TODAY) == 1
        assert reviews_escalate(today=TODAY) == 0  # a retried or doubled run
        assert reviews_escalate(today=TODAY + timedelta(days=1)) == 1  # Borderline crosses the line

    messages = list(Notification.objects.filter(user=sponsor, kind="review_overdue").values_list("message", flat=True))
    assert len(messages) == 2
    assert any("Late Ltd" in m and "16 days overdue" in m for m in messages)
    assert len(mailoutbox) == 2 and mailoutbox[0].to == [sponsor.email]


def test_escalation_respects_a_sponsor_who_wants_no_email(sponsor, mailoutbox, django_capture_on_commit_callbacks):
    sponsor.email_notifications = False
    sponsor.save()
    late = _account(executive_sponsor=sponsor)
    _review(late, ReviewType.FOLLOW_UP, date(2027, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert reviews_escalate(today=TODAY) >= 1
    assert Notification.objects.filter(user=sponsor, kind="review_overdue").exists()
    assert mailoutbox == []


def test_approved_plans_become_active_on_their_start_date_once():
    starting = AccountPlanFactory(status=PlanStatus.APPROVED, starts_on=TODAY, ends_on=date(2028, 6, 14))
    future = AccountPlanFactory(status=PlanStatus.APPROVED, starts_on=date(2028, 1, 1), ends_on=date(2028, 12, 31))
    draft = AccountPlanFactory(status=PlanStatus.DRAFT, starts_on=date(2027, 1, 1))
    assert plans_activate(today=TODAY) == 1
    assert plans_activate(today=TODAY) == 0
    states = dict(AccountPlan.objects.values_list("pk", "status"))
    assert states == {starting.pk: "active", future.pk: "approved", draft.pk: "draft"}
