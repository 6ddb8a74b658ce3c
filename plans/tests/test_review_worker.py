"""The daily review escalation and plan activation fire from a real Celery beat, on a real worker, once."""

from __future__ import annotations

import time
from datetime import date, datetime

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from accounts.models import Account
from accounts.tests.factories import AccountFactory
from kam.models import Notification
from plans.models import AccountPlan, PlanStatus, Review, ReviewCadence
from plans.tests.factories import AccountPlanFactory

pytestmark = pytest.mark.worker


@pytest.fixture
def mail_dir(tmp_path, monkeypatch):
    """E-mails of the worker land as files here (the worker inherits this environment)."""
    folder = tmp_path / "mail"
    folder.mkdir()
    monkeypatch.setenv("EMAIL_URL", f"filemail:///{folder}")
    return folder


def _every_second(task: str, queue: str) -> None:
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update(enabled=False)  # only the test's schedule
    PeriodicTask.objects.create(name=f"test {task}", task=task, interval=every_second, queue=queue)


def _wait_for(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.5)


def test_beat_escalates_an_overdue_review_to_the_sponsor_once(mail_dir, celery_beat, sponsor):
    account = AccountFactory(name="Late Ltd", is_key=True, segment="loyal_core", executive_sponsor=sponsor)
    Account.objects.filter(pk=account.pk).update(created_at=timezone.make_aware(datetime(2020, 1, 1)))
    ReviewCadence.objects.update(updated_at=timezone.make_aware(datetime(2020, 1, 1)))
    today = timezone.localdate()
    # Follow-up last held about a year ago: far more than 14 days overdue. Other types held today.
    Review.objects.create(account=account, review_type="follow_up", held_on=date(today.year - 1, today.month, 1))
    Review.objects.create(account=account, review_type="business", held_on=today)
    Review.objects.create(account=account, review_type="strategic", held_on=today)
    _every_second("plans.tasks.review_escalation_task", celery_beat)

    escalated = Notification.objects.filter(user=sponsor, kind="review_overdue")
    _wait_for(lambda: escalated.filter(emailed_at__isnull=False).exists(), "no escalation e-mailed")
    time.sleep(4)  # several more beats: nothing new may arrive
    assert escalated.count() == 1
    assert "Late Ltd" in escalated.get().message and "follow-up" in escalated.get().message
    mails = [path.read_text() for path in mail_dir.iterdir()]
    assert len(mails) == 1
    assert sponsor.email in mails[0] and "Late Ltd" in mails[0]
    assert f"/accounts/{account.pk}/#reviews" in mails[0]


def test_beat_activates_approved_plans_on_their_start_date(celery_beat):
    today = timezone.localdate()
    starting = AccountPlanFactory(status=PlanStatus.APPROVED, starts_on=today, ends_on=date(today.year + 1, 12, 31))
    later = AccountPlanFactory(status=PlanStatus.APPROVED, starts_on=date(today.year + 1, 1, 1))
    _every_second("plans.tasks.plan_activation_task", celery_beat)
    _wait_for(lambda: AccountPlan.objects.filter(pk=starting.pk, status=PlanStatus.ACTIVE).exists(), "no activation")
    later.refresh_from_db()
    assert later.status == PlanStatus.APPROVED
