"""The home page as each user's worklist: what is due, what waits for them, what changed; bounded queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Account
from kam.models import Notification
from plans.models import Action
from portfolio.tests.builders import portfolio_build
from portfolio.worklist import worklist_for
from scoring.models import KeyOverride

pytestmark = pytest.mark.django_db


def test_manager_sees_overdue_reviews_actions_and_checkpoints_due_within_a_week(client, manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(manager)
    body = client.get("/").content.decode()
    assert "Invite the CFO to the plant" in body and "overdue since" in body
    assert "Far away action" not in body  # due in 60 days
    assert "KPI checkpoints to record" in body and "Grow revenue" in body  # Q2 due in 3 days, no actual yet
    assert "Reviews due" in body and "Annual strategic review" in body and "days overdue" in body
    assert f'href="/accounts/{built["accounts"][0].pk}/"' in body
    assert "Plan to approve:" not in body  # not theirs to approve


def test_sponsor_sees_plans_and_overrides_awaiting_their_decision_and_key_changes(client, manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    gamma = built["accounts"][2]
    KeyOverride.objects.create(
        account=gamma,
        decision="include",
        reason="Strategic reference",
        expires_on=timezone.localdate() + timedelta(days=90),
    )
    Notification.objects.create(
        user=sponsor, kind="survey_alert", message="Gamma Foods: satisfaction dropped", dedupe_key="a1"
    )
    client.force_login(sponsor)
    body = client.get("/").content.decode()
    assert "Plan to approve:" in body and "Gamma plan to approve" in body
    assert "Key-status override:" in body
    assert "Survey alerts" in body and "satisfaction dropped" in body
    assert "Changed in the last segmentation" in body
    assert "Alpha Industries</a>:\n          became a key account" in body
    assert "Gamma Foods</a>:\n          is no longer a key account" in body


def test_colleague_and_contributor_see_none_of_the_managers_items(client, manager, other_manager, contributor, sponsor):
    portfolio_build(manager=manager, sponsor=sponsor)
    for user in (other_manager, contributor):
        client.force_login(user)
        body = client.get("/").content.decode()
        assert "Invite the CFO to the plant" not in body
        assert "Gamma plan to approve" not in body


def test_review_actions_without_a_plan_appear_with_their_account(manager, sponsor):
    from plans.models import Review

    built = portfolio_build(manager=manager, sponsor=sponsor)
    review = Review.objects.create(account=built["accounts"][0], review_type="follow_up")
    Action.objects.create(review=review, title="Send the minutes", owner=manager, due_on=timezone.localdate())
    titles = [action.title for action in worklist_for(user=manager).actions]
    assert titles == ["Invite the CFO to the plant", "Send the minutes"]


def test_worklist_queries_do_not_grow_with_its_items(client, manager, sponsor, django_assert_max_num_queries):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(manager)
    with django_assert_max_num_queries(40) as few:
        client.get("/")
    plan = built["plan"]
    Action.objects.bulk_create(
        Action(plan=plan, title=f"Call {i}", owner=manager, due_on=timezone.localdate()) for i in range(30)
    )
    for i in range(10):
        Notification.objects.create(user=manager, kind="info", message=f"News {i}", dedupe_key=f"n{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get("/").content.decode()
    assert "Call 29" in body and "News 9" in body


def test_contributor_serving_an_account_gets_a_read_link_instead_of_record_review(
    client, manager, contributor, sponsor
):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    alpha = built["accounts"][0]
    Account.objects.filter(pk=alpha.pk).update(service_manager=contributor)
    client.force_login(contributor)
    body = client.get("/").content.decode()
    assert "Reviews due" in body
    assert f"/plans/reviews/new/{alpha.pk}/" not in body and "Record the review" not in body
    assert "See the account" in body
    assert client.get(f"/plans/reviews/new/{alpha.pk}/").status_code in (403, 404)


def test_manager_gets_a_record_link_for_the_reviews_of_their_accounts(client, manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    alpha = built["accounts"][0]
    client.force_login(manager)
    body = client.get("/").content.decode()
    assert f"/plans/reviews/new/{alpha.pk}/" in body
    assert client.get(f"/plans/reviews/new/{alpha.pk}/").status_code == 200


def test_your_actions_badge_counts_plan_review_and_improvement_actions(client, manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    for i in range(7):
        Action.objects.create(plan=built["plan"], title=f"Extra {i}", owner=manager, due_on=timezone.localdate())
    worklist = worklist_for(user=manager)
    assert worklist.action_count == len(worklist.actions) + len(worklist.improvement_actions) == 8
    client.force_login(manager)
    body = client.get("/").content.decode()
    assert 'Your actions <span class="badge text-bg-secondary">8</span>' in body
