"""The worklist is kept rendered under the data stamp (kam.stamp): a write shows on the next load, notifications are
read live next to it, and each reader (with their roles) has their own."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kam.models import Notification
from plans.models import Action, ActionStatus, PlanStatus
from portfolio.tests.builders import portfolio_build

# The stamp is only given outside a transaction that wrote (as a web request reads), so these tests commit.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]


def _main(body: str) -> str:
    """The page's content, without its CSRF fields (masked anew on every request)."""
    main = body[body.index("<main") : body.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def _load(client: Client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/").content.decode()
    return body, len(queries.captured_queries)


def test_a_second_load_comes_from_the_cache_and_a_done_or_new_action_shows_on_the_next(client, manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(manager)
    first, cold = _load(client)
    again, warm = _load(client)
    assert _main(again) == _main(first) and "Invite the CFO to the plant" in again
    assert warm < cold - 5  # the worklist's own queries are not made again
    Action.objects.filter(pk=built["action"].pk).update(status=ActionStatus.DONE)  # no save(), no signal
    assert "Invite the CFO to the plant" not in client.get("/").content.decode()
    Action.objects.create(plan=built["plan"], title="Send the samples", owner=manager, due_on=timezone.localdate())
    assert "Send the samples" in client.get("/").content.decode()


def test_a_warm_worklist_makes_as_few_queries_with_many_items(client, manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(manager)
    client.get("/")
    _body, few = _load(client)
    Action.objects.bulk_create(
        Action(plan=built["plan"], title=f"Call {i}", owner=manager, due_on=timezone.localdate()) for i in range(30)
    )
    client.get("/")
    body, many = _load(client)
    assert "Call 9" in body and "and 21 more on My work" in body
    assert many == few


def test_notifications_are_read_live_beside_the_cached_worklist(client, manager, sponsor):
    portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(manager)
    client.get("/")
    client.get("/")  # now cached
    news = Notification.objects.create(user=manager, kind="info", message="Gamma signed the renewal", dedupe_key="n1")
    alert = Notification.objects.create(user=manager, kind="survey_alert", message="Alpha: NPS fell", dedupe_key="a1")
    body = client.get("/").content.decode()
    assert "Gamma signed the renewal" in body and "Alpha: NPS fell" in body and "Invite the CFO" in body
    # In their places among the cards: alerts after the decisions, notifications after the segmentation changes.
    assert body.index('id="worklist-alerts"') < body.index('id="worklist-changes"')
    assert body.index('id="worklist-changes"') < body.index('id="worklist-notifications"')
    assert body.index('id="worklist-notifications"') < body.index('id="worklist-heading"')
    Notification.objects.filter(pk__in=[news.pk, alert.pk]).update(read_at=timezone.now())
    body = client.get("/").content.decode()
    assert "Gamma signed the renewal" not in body and "Alpha: NPS fell" not in body and "Invite the CFO" in body
    assert "<!--kam:" not in body  # no slot left unfilled


def test_nothing_is_due_shows_only_without_unread_notifications(client, other_manager):
    client.force_login(other_manager)
    assert "Nothing is due." in client.get("/").content.decode()
    assert "Nothing is due." in client.get("/").content.decode()  # cached
    Notification.objects.create(user=other_manager, kind="info", message="Welcome aboard", dedupe_key="w")
    body = client.get("/").content.decode()
    assert "Welcome aboard" in body and "Nothing is due." not in body


def test_cached_worklists_are_kept_apart_by_reader_and_by_roles(client, manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(sponsor)
    assert "Gamma plan to approve" in client.get("/").content.decode()
    client.force_login(manager)
    body = client.get("/").content.decode()
    assert "Gamma plan to approve" not in body and "Invite the CFO" in body
    sponsor.groups.clear()  # roles live in another table than users: the key holds them
    client.force_login(sponsor)
    assert "Gamma plan to approve" not in client.get("/").content.decode()
    assert built["submitted"].status == PlanStatus.SUBMITTED


def test_the_cached_approve_form_carries_each_sessions_own_csrf_token(manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    plan = built["submitted"]
    tokens = []
    for _session in range(2):  # the second session's page is served from the cache
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(sponsor)
        body = browser.get("/").content.decode()
        form = body[body.index(f'action="/worklist/plans/{plan.pk}/approve/"') :]
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1))
        assert browser.cookies["csrftoken"]
    assert tokens[0] != tokens[1]  # two sessions, two tokens: none was cached
    response = browser.post(f"/worklist/plans/{plan.pk}/approve/", {"csrfmiddlewaretoken": tokens[1]})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status in (PlanStatus.ACTIVE, PlanStatus.APPROVED)
    assert f"approve-plan-{plan.pk}" not in browser.get("/").content.decode()


def test_a_playbook_action_marked_done_from_the_cached_worklist_leaves_it(client, manager, sponsor):
    from health.models import Playbook, PlaybookAction, PlaybookFiring, Trigger

    built = portfolio_build(manager=manager, sponsor=sponsor)
    alpha = built["accounts"][0]
    playbook = Playbook.objects.first() or Playbook.objects.create(name="Silence", trigger=Trigger.DETRACTOR)
    firing = PlaybookFiring.objects.create(playbook=playbook, account=alpha, key="k1", reason="No contact for 60 days")
    action = PlaybookAction.objects.create(
        firing=firing, account=alpha, title="Call the buyer", owner=manager, due_on=timezone.localdate() + timedelta(3)
    )
    client.force_login(manager)
    assert "Call the buyer" in client.get("/").content.decode()
    assert "Call the buyer" in client.get("/").content.decode()  # cached
    assert client.post(f"/health/actions/{action.pk}/done/", {"next": "/"}).status_code == 302
    body = client.get("/").content.decode()
    assert "“Call the buyer” done." in body and 'id="worklist-playbook-actions"' not in body
