"""Background segmentation: thin tasks that re-fetch the run and call the service."""

from __future__ import annotations

from celery import shared_task

from scoring.models import SegmentationRun
from scoring.services import RunRefused, segmentation_execute, segmentation_run_request


@shared_task(acks_late=True)
def segmentation_run_task(run_id: int) -> str | None:
    run = SegmentationRun.objects.filter(pk=run_id).first()
    if run is None or run.is_finished:
        return None  # idempotent: a redelivered task does nothing twice
    return segmentation_execute(run=run).status


@shared_task(acks_late=True)
def scheduled_segmentation_task() -> str:
    """The periodic re-segmentation (schedule edited by administrators in /admin/, Periodic tasks)."""
    try:
        run = segmentation_run_request()
    except RunRefused as refused:
        return refused.message
    return segmentation_execute(run=run).status
