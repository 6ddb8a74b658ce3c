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


def _section(body: str, key: str) -> str:
    """The part of the home page under one urgency heading."""
    start = body.index(f'id="worklist-{key}"')
    return body[start : body.index("</section>", start)]


def test_manager_sees_overdue_reviews_actions_and_checkpoints_under_urgency_headings(client, manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(manager)
    body = client.get("/").content.decode()
    overdue, this_week = _section(body, "overdue"), _section(body, "week")
    assert '<h3 id="due-overdue"' in overdue and "Overdue" in overdue
    assert "Invite the CFO to the plant" in overdue and "overdue since" in overdue
    assert "Annual strategic review" in overdue  # every review type of Alpha is overdue
    assert '<h3 id="due-week"' in this_week and "This week" in this_week
    assert "Grow revenue" in this_week and "Record the actual" in this_week  # Q2 due in 3 days, no actual yet
    assert 'id="worklist-later"' not in body  # nothing due within 8 to 30 days
    assert "Far away action" not in body  # due in 60 days: on My work only
    assert f'href="/accounts/{built["accounts"][0].pk}/"' in body
    assert "Plan to approve:" not in body  # not theirs to approve


def test_what_is_due_within_a_month_shows_under_later(client, manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    Action.objects.create(
        plan=built["plan"], title="Book the QBR room", owner=manager, due_on=timezone.localdate() + timedelta(days=20)
    )
    client.force_login(manager)
    body = client.get("/").content.decode()
    later = _section(body, "later")
    assert '<h3 id="due-later"' in later and "Later" in later and "Book the QBR room" in later
    assert body.index('id="due-overdue"') < body.index('id="due-week"') < body.index('id="due-later"')


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
    assert "Call 9" in body and "News 9" in body
    assert "and 21 more on My work" in body  # 30 calls and the Q2 checkpoint this week: ten shown


def test_contributor_serving_an_account_is_not_shown_reviews_she_cannot_record(client, manager, contributor, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    alpha = built["accounts"][0]
    Account.objects.filter(pk=alpha.pk).update(service_manager=contributor)
    assert worklist_for(user=contributor).reviews == []
    assert worklist_for(user=contributor).checkpoints == []
    client.force_login(contributor)
    body = client.get("/").content.decode()
    assert "Annual strategic review" not in body and "Record the review" not in body
    assert client.get(f"/plans/reviews/new/{alpha.pk}/").status_code in (403, 404)


def test_record_the_review_keeps_the_review_type_and_the_form_preselects_it(client, manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    alpha = built["accounts"][0]
    client.force_login(manager)
    body = client.get("/").content.decode()
    link = f"/plans/reviews/new/{alpha.pk}/?type=strategic"
    assert f'href="{link}">Record the review</a>' in body
    form = client.get(link).content.decode()
    assert '<option value="strategic" selected>' in form


def test_overdue_heading_counts_every_kind_of_late_item(client, manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    for i in range(7):
        Action.objects.create(
            plan=built["plan"], title=f"Extra {i}", owner=manager, due_on=timezone.localdate() - timedelta(days=1)
        )
    worklist = worklist_for(user=manager)
    overdue = dict((key, items) for key, _label, items in worklist.groups)["overdue"]
    assert len(overdue) == 8 + len(worklist.reviews)  # 8 actions and Alpha's overdue reviews
    client.force_login(manager)
    body = client.get("/").content.decode()
    assert f'Overdue <span class="badge text-bg-secondary">{len(overdue)}</span>' in body


def test_unread_cards_show_the_newest_ten_of_each_kind_and_the_badge_counts_them_all(client, manager):
    for i in range(12):
        Notification.objects.create(user=manager, kind="survey_alert", message=f"Alert {i:02d}", dedupe_key=f"a{i}")
        Notification.objects.create(user=manager, kind="info", message=f"News {i:02d}", dedupe_key=f"n{i}")
    Notification.objects.create(user=manager, kind="info", message="Old news", dedupe_key="old", read_at=timezone.now())
    client.force_login(manager)
    body = client.get("/").content.decode()
    alerts, news = _section(body, "alerts"), _section(body, "notifications")
    assert [f"Alert {i:02d}" in alerts for i in range(12)] == [False] * 2 + [True] * 10
    assert [f"News {i:02d}" in news for i in range(12)] == [False] * 2 + [True] * 10
    assert "News" not in alerts and "Alert" not in news and "Old news" not in body
    assert '<span class="badge text-bg-danger">24<span class="visually-hidden"> unread' in body


def test_a_reader_without_a_role_gets_an_empty_worklist(client, outsider):
    client.force_login(outsider)
    response = client.get("/")
    assert response.status_code == 200
    assert "No account of yours yet." in response.content.decode()
