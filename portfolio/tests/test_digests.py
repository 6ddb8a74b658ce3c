"""Digests: one e-mail per user and period with everything due, never twice, in-app only when asked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kam.models import DigestSent, Notification
from plans.models import Action
from portfolio.digests import digest_daily_send, digest_sponsor_send, week_start
from portfolio.tasks import daily_digests_task, sponsor_digests_task
from portfolio.tests.builders import portfolio_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def test_daily_digest_is_one_email_with_every_due_item(manager, sponsor, today, django_capture_on_commit_callbacks):
    portfolio_build(manager=manager, sponsor=sponsor)
    with django_capture_on_commit_callbacks(execute=True):
        sent = digest_daily_send(user=manager, today=today)
    assert sent is not None and sent.emailed
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [manager.email]
    assert "Invite the CFO to the plant" in message.body
    assert "Grow revenue, Q2" in message.body
    assert "Annual strategic review" in message.body
    assert "Far away action" not in message.body
    assert "http://" in message.body  # absolute links work from a mail client
    assert Notification.objects.filter(user=manager, kind="digest_daily").count() == 1


def test_a_retried_or_doubled_digest_sends_nothing_twice(manager, sponsor, today):
    portfolio_build(manager=manager, sponsor=sponsor)
    assert digest_daily_send(user=manager, today=today) is not None
    assert digest_daily_send(user=manager, today=today) is None
    daily_digests_task(today.isoformat())  # the beat job after a manual run: still nothing new for the manager
    to_manager = [m for m in mail.outbox if m.to == [manager.email]]
    assert len(to_manager) == 1
    assert DigestSent.objects.filter(user=manager, kind="daily", period=today.isoformat()).count() == 1
    # The next day is a new period.
    assert digest_daily_send(user=manager, today=today + timedelta(days=1)) is not None


def test_in_app_only_users_get_the_notification_but_no_email(manager, sponsor, today):
    portfolio_build(manager=manager, sponsor=sponsor)
    manager.email_notifications = False
    manager.save()
    sent = digest_daily_send(user=manager, today=today)
    assert sent is not None and not sent.emailed
    assert mail.outbox == []
    assert Notification.objects.get(user=manager, kind="digest_daily").message.startswith("Your daily digest: ")


def test_nothing_due_means_no_digest(contributor, today):
    assert digest_daily_send(user=contributor, today=today) is None
    assert not DigestSent.objects.exists() and mail.outbox == []


def test_daily_job_sends_one_digest_per_user_with_something_due(manager, sponsor, contributor, today):
    portfolio_build(manager=manager, sponsor=sponsor)
    daily_digests_task(today.isoformat())
    assert sorted(m.to[0] for m in mail.outbox) == sorted([manager.email, sponsor.email])  # sponsor: a plan to approve
    sponsor_mail = next(m for m in mail.outbox if m.to == [sponsor.email])
    assert "Gamma plan to approve" in sponsor_mail.body


def test_sponsor_weekly_digest_reports_changes_overdue_items_and_plans(manager, sponsor, today):
    portfolio_build(manager=manager, sponsor=sponsor)
    Notification.objects.create(user=sponsor, kind="survey_alert", message="Alpha: NPS fell by 30", dedupe_key="x")
    sponsor_digests_task(today.isoformat())
    sponsor_digests_task(today.isoformat())  # doubled by beat: still one
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Alpha Industries: became a key account" in body
    assert "Gamma Foods: is no longer a key account" in body
    assert "Alpha: NPS fell by 30" in body
    assert "Invite the CFO to the plant" in body  # overdue action on a sponsored account
    assert "Annual strategic review" in body  # overdue review
    assert "Gamma plan to approve" in body
    assert DigestSent.objects.get(user=sponsor, kind="sponsor_weekly").period == week_start(today).isoformat()


def test_a_manager_gets_no_sponsor_digest(manager, sponsor, today):
    portfolio_build(manager=manager, sponsor=sponsor)
    assert digest_sponsor_send(user=manager, today=today) is None


def test_user_chooses_in_app_only_and_the_email_language(client, manager):
    client.force_login(manager)
    page = client.get("/preferences/")
    assert page.status_code == 200 and "In the app only" in page.content.decode()
    response = client.post("/preferences/", {"delivery": "app", "language": "fr"})
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.email_notifications is False and manager.language == "fr"
    bad = client.post("/preferences/", {"delivery": "pigeon", "language": "fr"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()


def test_schedules_are_seeded_for_administrators_to_edit():
    from django_celery_beat.models import PeriodicTask

    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"kam.tasks.daily_digests_task", "kam.tasks.sponsor_digests_task"} <= tasks


def test_the_daily_digest_reads_a_fixed_number_of_queries_whatever_its_rows(
    manager, sponsor, today, django_capture_on_commit_callbacks
):
    """The worklist reads only the fields its rows show: the digest must not load the others row by row."""
    plan = portfolio_build(manager=manager, sponsor=sponsor)["plan"]
    with CaptureQueriesContext(connection) as few, django_capture_on_commit_callbacks(execute=True):
        digest_daily_send(user=manager, today=today)
    DigestSent.objects.all().delete()
    Action.objects.bulk_create(Action(plan=plan, title=f"Call {i}", owner=manager, due_on=today) for i in range(30))
    with CaptureQueriesContext(connection) as many, django_capture_on_commit_callbacks(execute=True):
        digest_daily_send(user=manager, today=today)
    assert "Call 29" in mail.outbox[-1].body
    assert len(many.captured_queries) <= len(few.captured_queries)
