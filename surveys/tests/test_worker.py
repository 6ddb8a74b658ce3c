"""Reminders fire from a real Celery beat onto a real worker, and each non-respondent gets exactly one."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from accounts.models import BuyingRole
from accounts.tests.factories import AccountFactory, ContactFactory
from kam.celery import app
from surveys.models import Invitation
from surveys.tests.factories import answer, links_by_email, sent_campaign

pytestmark = pytest.mark.worker


@pytest.fixture
def mail_files(monkeypatch, tmp_path):
    """Beat and worker write their e-mails as files here, so the test counts what was really sent.

    Requested before celery_beat, so the processes it starts inherit the setting.
    """
    outbox = tmp_path / "mail"
    outbox.mkdir()
    monkeypatch.setenv("EMAIL_URL", f"filemail:///{outbox}")
    return outbox


def _sent_to(outbox) -> list[str]:
    return [
        line.removeprefix("To: ").strip()
        for path in outbox.iterdir()
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    ]


def test_beat_sends_each_reminder_once_and_none_after_an_answer(mail_files, celery_beat, manager):
    queue, outbox = celery_beat, mail_files
    account = AccountFactory(owner=manager, is_key=True)
    for name in ("ann", "bob", "cat"):
        ContactFactory(account=account, email=f"{name}@customer.test", buying_role=BuyingRole.USER)
    app.conf.task_always_eager = True  # the invitations go first, in-process
    try:
        sent_campaign(by=manager, accounts=[account], reminder_after_days=3)
    finally:
        app.conf.task_always_eager = False
    answer(links_by_email()["cat@customer.test"], nps=9, rating=9)
    Invitation.objects.update(sent_at=timezone.now() - timedelta(days=4))

    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update(enabled=False)  # only the test's schedule
    PeriodicTask.objects.create(
        name="test survey reminders", task="surveys.tasks.surveys_daily_task", interval=every_second, queue=queue
    )
    deadline = time.monotonic() + 60
    while Invitation.objects.filter(reminded_at__isnull=False).count() < 2:
        assert time.monotonic() < deadline, "no reminder went within 60 s"
        time.sleep(0.5)
    time.sleep(4)  # several more beats fire: none may send again
    assert sorted(_sent_to(outbox)) == ["ann@customer.test", "bob@customer.test"]
    assert not Invitation.objects.filter(contact__email="cat@customer.test", reminded_at__isnull=False).exists()
