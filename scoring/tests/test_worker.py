"""The periodic re-segmentation fires from a real Celery beat and runs on a real worker."""

from __future__ import annotations

import time

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from scoring.models import RunStatus, SegmentationRun
from scoring.tests.factories import rated_portfolio, three_criteria

pytestmark = pytest.mark.worker


def test_beat_fires_the_scheduled_segmentation_and_the_worker_runs_it(celery_beat):
    three_criteria()
    rated_portfolio([(100, 1000), (200, 800), (300, 600), (400, 400)], [1, 4, 7, 10])
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update(enabled=False)  # only the test's schedule
    PeriodicTask.objects.create(
        name="test re-segmentation",
        task="scoring.tasks.scheduled_segmentation_task",
        interval=every_second,
        queue=celery_beat,
    )
    deadline = time.monotonic() + 60
    while not SegmentationRun.objects.filter(status=RunStatus.DONE).exists():
        assert time.monotonic() < deadline, "no segmentation ran within 60 s"
        time.sleep(0.5)
    run = SegmentationRun.objects.filter(status=RunStatus.DONE).first()
    assert run.summary["accounts"] == 4
    # Never two at once, however often beat fires.
    assert SegmentationRun.objects.filter(status=RunStatus.RUNNING).count() <= 1


def test_segmentation_task_on_a_real_worker_is_idempotent(celery_worker):
    from scoring.services import segmentation_run_request
    from scoring.tasks import segmentation_run_task

    three_criteria()
    rated_portfolio([(100, 1000), (200, 800), (300, 600)], [1, 5, 9])
    run = segmentation_run_request()
    assert segmentation_run_task.apply_async((run.pk,), queue=celery_worker).get(timeout=60) == RunStatus.DONE
    # A redelivered message does nothing twice.
    assert segmentation_run_task.apply_async((run.pk,), queue=celery_worker).get(timeout=60) is None
