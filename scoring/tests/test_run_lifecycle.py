"""One run at a time whatever its status, runs whose worker died are failed, "Run now" survives a dead broker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import Account
from kam.celery import app
from kam.outbox import outbox_publish
from scoring.models import RunStatus, SegmentationRun
from scoring.services import RunRefused, segmentation_execute, segmentation_run_request, segmentation_watchdog
from scoring.tasks import segmentation_run_task
from scoring.tests.factories import rated_portfolio, three_criteria

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_waiting_run_beside_a_running_one():
    SegmentationRun.objects.create(status=RunStatus.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        SegmentationRun.objects.create(status=RunStatus.PENDING)
    SegmentationRun.objects.create(status=RunStatus.DONE)  # finished runs are not counted
    assert SegmentationRun.objects.count() == 2


def test_a_request_while_a_run_is_running_names_that_run():
    running = SegmentationRun.objects.create(status=RunStatus.RUNNING, started_at=timezone.now())
    with pytest.raises(RunRefused) as refused:
        segmentation_run_request()
    assert refused.value.run == running
    assert refused.value.message == f"Run {running.pk} is already running; wait for it to finish."


def test_the_watchdog_fails_a_silent_run_with_the_reason_and_the_next_run_starts_at_once(settings):
    settings.SEGMENTATION_HEARTBEAT_TIMEOUT = 300
    now = timezone.now()
    silent = SegmentationRun.objects.create(
        status=RunStatus.RUNNING, started_at=now - timedelta(minutes=20), heartbeat_at=now - timedelta(minutes=6)
    )
    assert segmentation_watchdog(now=now - timedelta(minutes=2)) == 0  # its heartbeat was fresh then
    assert segmentation_watchdog(now=now) == 1
    silent.refresh_from_db()
    assert silent.status == RunStatus.FAILED and silent.finished_at is not None
    assert "gave no sign of life for 5 minutes" in silent.error
    assert segmentation_run_request().status == RunStatus.PENDING


def test_a_run_no_worker_picked_up_is_failed_with_the_reason(settings):
    settings.SEGMENTATION_PENDING_TIMEOUT = 3600
    waiting = SegmentationRun.objects.create()
    assert segmentation_watchdog(now=timezone.now() + timedelta(minutes=30)) == 0
    assert segmentation_watchdog(now=timezone.now() + timedelta(minutes=61)) == 1
    waiting.refresh_from_db()
    assert waiting.status == RunStatus.FAILED and "no worker picked it up within 60 minutes" in waiting.error


def test_a_task_delivered_after_the_watchdog_failed_its_run_changes_nothing():
    three_criteria()
    rated_portfolio([(100, 1000), (200, 800), (300, 600)], [1, 5, 9])
    run = SegmentationRun.objects.create(status=RunStatus.FAILED, error="Stopped")
    assert segmentation_run_task(run.pk) is None
    run = segmentation_run_request()
    SegmentationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)  # another delivery has it
    assert segmentation_execute(run=run).status == RunStatus.RUNNING
    assert not Account.objects.exclude(segment="").exists()


@pytest.fixture
def broker_down(monkeypatch):
    def send_task(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(app, "send_task", send_task)
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = True


def test_run_now_with_the_broker_down_says_queued_and_the_run_happens_when_it_is_back(
    client, admin_user, broker_down, django_capture_on_commit_callbacks
):
    three_criteria()
    rated_portfolio([(100, 1000), (200, 800), (300, 600)], [1, 5, 9])
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/scoring/runs/new/")
    run = SegmentationRun.objects.get()
    assert response.status_code == 302 and response.url == f"/scoring/runs/{run.pk}/"
    page = client.get(response.url).content.decode()
    assert "Queued: the run will start when the task service is back." in page
    assert run.status == RunStatus.PENDING
    app.conf.task_always_eager = True  # the broker is back (its tasks run here)
    outbox_publish(now=timezone.now() + timedelta(minutes=5))
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.summary["accounts"] == 3


def test_a_run_stopped_by_the_time_limit_says_so_and_leaves_the_previous_results_current(monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    three_criteria()
    rated_portfolio([(100, 1000), (200, 800), (300, 600)], [1, 5, 9])
    segmentation_execute(run=segmentation_run_request())
    before = list(Account.objects.order_by("pk").values_list("segment", "score"))

    def too_long(run):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("scoring.services.runs._execute", too_long)
    with pytest.raises(SoftTimeLimitExceeded):
        segmentation_execute(run=segmentation_run_request())
    run = SegmentationRun.objects.order_by("-pk").first()
    assert run.status == RunStatus.FAILED and "took longer than the 15 minutes" in run.error
    assert list(Account.objects.order_by("pk").values_list("segment", "score")) == before
