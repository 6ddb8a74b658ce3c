"""Background segmentation: thin tasks that re-fetch the run and call the service."""

from __future__ import annotations

from celery import shared_task

from scoring.models import SegmentationRun
from scoring.services import RunRefused, segmentation_execute, segmentation_run_request, segmentation_watchdog


# Acknowledged when done, and put back in the queue when the process running it dies; the run's own
# state makes a second delivery harmless (only a waiting run is started). Time limits: kam/settings.py.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def segmentation_run_task(run_id: int) -> str | None:
    run = SegmentationRun.objects.filter(pk=run_id).first()
    if run is None or run.is_finished:
        return None  # idempotent: a redelivered task does nothing twice
    return segmentation_execute(run=run).status


@shared_task(acks_late=True, reject_on_worker_lost=True)
def scheduled_segmentation_task() -> str:
    """The periodic re-segmentation (schedule edited by administrators in /admin/, Periodic tasks)."""
    try:
        run = segmentation_run_request()
    except RunRefused as refused:
        return refused.message
    return segmentation_execute(run=run).status


@shared_task
def segmentation_watchdog_task() -> int:
    """Beat's job every 2 minutes: fail the runs whose worker died, so the next run may start."""
    return segmentation_watchdog()
