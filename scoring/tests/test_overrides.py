"""Key-account overrides, change notifications, capacity warnings and the rating grid's saving rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import F
from django.utils import timezone

from accounts.models import Account
from kam.models import Notification
from scoring.models import AccountScore, KeyOverride, OverrideStatus, Rating, SegmentationSettings
from scoring.services import (
    OverrideRefused,
    RatingRow,
    override_decide,
    override_propose,
    ratings_save,
    segmentation_execute,
    segmentation_run_request,
)
from scoring.tests.factories import rated_portfolio, three_criteria

pytestmark = pytest.mark.django_db
IN_A_YEAR = timezone.localdate() + timedelta(days=365)


@pytest.fixture
def portfolio(manager, sponsor):
    """a 30, b 46.7, c 63.3, d 70: with gold from 60, c and d are key."""
    three_criteria()
    SegmentationSettings.objects.create(pk=1, mode="absolute", gold=60, silver=30, key_rule="gold", key_band=0)
    accounts = rated_portfolio([(100, 1000), (200, 800), (300, 600), (400, 400)], [0, 5, 10, 10])
    Account.objects.filter(pk__in=[a.pk for a in accounts]).update(owner=manager, executive_sponsor=sponsor)
    segmentation_execute(run=segmentation_run_request())
    for account in accounts:
        account.refresh_from_db()
    return accounts


def test_approved_inclusion_makes_the_account_key_and_shows_in_its_score(portfolio, manager, sponsor):
    a = portfolio[0]
    override = override_propose(
        account=a, decision="include", reason="Reference customer in aerospace", expires_on=IN_A_YEAR, by=manager
    )
    override_decide(override=override, approve=True, by=sponsor)
    run = segmentation_execute(run=segmentation_run_request())
    a.refresh_from_db()
    assert a.is_key
    score = AccountScore.objects.get(run=run, account=a)
    assert score.override == override
    assert score.tier != "gold"  # the scores themselves are untouched: the override decided
    assert run.summary["overrides"] == 1


def test_expired_override_lets_the_scores_decide_again(portfolio, manager, sponsor):
    d = portfolio[3]
    override = override_propose(
        account=d, decision="exclude", reason="Leaving the market", expires_on=IN_A_YEAR, by=manager
    )
    override_decide(override=override, approve=True, by=sponsor)
    KeyOverride.objects.filter(pk=override.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    segmentation_execute(run=segmentation_run_request())
    d.refresh_from_db()
    assert d.is_key


def test_rejected_or_pending_proposals_change_nothing(portfolio, manager, sponsor):
    a, b = portfolio[0], portfolio[1]
    pending = override_propose(account=a, decision="include", reason="Strategic", expires_on=IN_A_YEAR, by=manager)
    rejected = override_propose(account=b, decision="include", reason="Strategic", expires_on=IN_A_YEAR, by=manager)
    override_decide(override=rejected, approve=False, by=sponsor, comment="Revenue too small for now")
    segmentation_execute(run=segmentation_run_request())
    assert not Account.objects.filter(pk__in=[a.pk, b.pk], is_key=True).exists()
    assert pending.status == OverrideStatus.PROPOSED


def test_proposal_needs_a_reason_a_future_end_and_no_other_open_proposal(portfolio, manager):
    a = portfolio[0]
    with pytest.raises(OverrideRefused, match="Say why"):
        override_propose(account=a, decision="include", reason="  ", expires_on=IN_A_YEAR, by=manager)
    with pytest.raises(OverrideRefused, match="in the future"):
        override_propose(account=a, decision="include", reason="x", expires_on=timezone.localdate(), by=manager)
    with pytest.raises(OverrideRefused, match="two years at most"):
        override_propose(
            account=a, decision="include", reason="x", expires_on=IN_A_YEAR + timedelta(days=800), by=manager
        )
    with pytest.raises(OverrideRefused, match="already a key account"):
        override_propose(account=portfolio[3], decision="include", reason="x", expires_on=IN_A_YEAR, by=manager)
    override_propose(account=a, decision="include", reason="x", expires_on=IN_A_YEAR, by=manager)
    with pytest.raises(OverrideRefused, match="already awaiting"):
        override_propose(account=a, decision="include", reason="y", expires_on=IN_A_YEAR, by=manager)


def test_sponsor_is_told_of_a_proposal_and_the_manager_of_the_decision(
    portfolio, manager, sponsor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        override = override_propose(
            account=portfolio[0], decision="include", reason="x", expires_on=IN_A_YEAR, by=manager
        )
    assert Notification.objects.filter(user=sponsor, kind="override_proposed").exists()
    with django_capture_on_commit_callbacks(execute=True):
        override_decide(override=override, approve=False, by=sponsor, comment="Not this year")
    assert Notification.objects.get(user=sponsor, kind="override_proposed").is_read  # dealt with
    decided = Notification.objects.get(user=manager, kind="override_decided")
    assert "Not this year" in decided.message
    assert [m.to for m in mail.outbox] == [[sponsor.email], [manager.email]]


def test_rejection_needs_a_comment(portfolio, manager, sponsor):
    override = override_propose(account=portfolio[0], decision="include", reason="x", expires_on=IN_A_YEAR, by=manager)
    with pytest.raises(OverrideRefused, match="Say why you reject"):
        override_decide(override=override, approve=False, by=sponsor)


def test_owner_and_sponsor_get_one_notification_per_run_listing_their_changed_accounts(
    portfolio, manager, sponsor, other_manager
):
    a = portfolio[0]
    Rating.objects.filter(account=a).update(value=10)
    Account.objects.filter(pk=a.pk).update(potential=5000)
    run = segmentation_execute(run=segmentation_run_request())
    changed = AccountScore.objects.filter(run=run).exclude(is_key=F("was_key"), segment=F("previous_segment"))
    assert changed.exists()
    for user in (manager, sponsor):
        notes = Notification.objects.filter(user=user, kind="segmentation_changes")
        assert notes.count() == 1
        assert all(score.account.name in notes.get().message for score in changed)
        assert notes.get().url == f"/scoring/runs/{run.pk}/"
    assert not Notification.objects.filter(user=other_manager).exists()


def test_run_warns_about_managers_over_their_key_account_capacity(portfolio, manager):
    SegmentationSettings.objects.filter(pk=1).update(manager_capacity=1)
    run = segmentation_execute(run=segmentation_run_request())
    assert run.summary["over_capacity"] == [{"owner_id": manager.pk, "name": str(manager), "count": 2, "over": 1}]


def test_rating_grid_saves_only_changes_and_requires_a_justification(portfolio, manager):
    fit = _criteria_fit()
    a, b = portfolio[0], portfolio[1]
    existing = {(r.account_id, r.criterion_id): r for r in Rating.objects.all()}
    rows = [
        RatingRow(account_id=a.pk, values={fit.pk: 7}, justification=""),
        RatingRow(account_id=b.pk, values={fit.pk: 5}, justification=""),  # unchanged: no reason needed
    ]
    assert ratings_save(rows=rows, existing=existing, by=manager) == 0
    assert rows[0].errors and not rows[1].errors
    assert Rating.objects.get(account=a).value == 0  # nothing saved while a row is wrong
    rows[0].justification = "Won a joint tender"
    rows[0].errors.clear()
    assert ratings_save(rows=rows, existing=existing, by=manager) == 1
    rating = Rating.objects.get(account=a)
    assert (rating.value, rating.justification, rating.rated_by) == (7, "Won a joint tender", manager)


def _criteria_fit():
    from scoring.models import Criterion

    return Criterion.objects.get(name="Fit")


# --- no one decides on their own case --------------------------------------------------------


@pytest.fixture
def manager_and_sponsor(db):
    from django.contrib.auth.models import Group

    from kam.roles import Role
    from kam.tests.factories import UserFactory

    user = UserFactory(username="both-hats", role=Role.KEY_ACCOUNT_MANAGER)
    user.groups.add(Group.objects.get(name=Role.EXECUTIVE_SPONSOR))
    assert user.is_key_account_manager and user.is_executive_sponsor
    return user


def test_a_manager_who_sponsors_his_own_account_cannot_decide_on_his_proposal(
    portfolio, manager_and_sponsor, admin_user, client
):
    a = portfolio[0]
    Account.objects.filter(pk=a.pk).update(owner=manager_and_sponsor, executive_sponsor=manager_and_sponsor)
    a.refresh_from_db()
    override = override_propose(
        account=a, decision="include", reason="Strategic", expires_on=IN_A_YEAR, by=manager_and_sponsor
    )
    assert list(Notification.objects.values_list("user__username", flat=True)) == [admin_user.username]
    with pytest.raises(OverrideRefused, match="another sponsor or an administrator decides on it"):
        override_decide(override=override, approve=True, by=manager_and_sponsor)
    client.force_login(manager_and_sponsor)
    decide = {f"o{override.pk}-expires_on": str(IN_A_YEAR), "approve": "1"}
    assert client.post(f"/scoring/overrides/{override.pk}/decide/", decide).status_code == 403
    override.refresh_from_db()
    assert override.status == OverrideStatus.PROPOSED
    assert override_decide(override=override, approve=True, by=admin_user).decided_by == admin_user


def test_an_administrator_does_not_decide_on_his_own_proposal(portfolio, admin_user, sponsor):
    override = override_propose(
        account=portfolio[0], decision="include", reason="Strategic", expires_on=IN_A_YEAR, by=admin_user
    )
    assert not KeyOverride.objects.decidable_by(admin_user).filter(pk=override.pk).exists()
    with pytest.raises(OverrideRefused):
        override_decide(override=override, approve=True, by=admin_user)
    assert override_decide(override=override, approve=True, by=sponsor).decided_by == sponsor
