"""Background imports: thin tasks that take a batch id and call one service."""

from __future__ import annotations

from celery import shared_task

from accounts.importing.batches import import_batch_run, import_uploads_expire


# Acknowledged when done and put back in the queue when its process dies; the batch's own status makes a
# second delivery harmless (only a queued batch, or one whose worker died, is applied). Time limits: kam/settings.py.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_apply_task(batch_id: int) -> str | None:
    return import_batch_run(batch_id=batch_id)


@shared_task
def import_uploads_expire_task() -> int:
    """Beat's hourly job: drop the files of uploads never applied (KAM_IMPORT_UPLOAD_TTL_HOURS)."""
    return import_uploads_expire()
