"""A wizard's batch after its preview: applied in the request or, when large, by a worker; expired when left unapplied.

A 200,000-row import takes longer to write than a web server lets a request live, so a batch of more than
KAM_IMPORT_SYNC_ROWS rows is queued (through the outbox) and applied by `accounts.tasks.import_apply_task`,
which writes its progress where the page polls it. Uploads never applied lose their bytes after
KAM_IMPORT_UPLOAD_TTL_HOURS (`accounts.tasks.import_uploads_expire_task`, hourly).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.importing.errors import ImportFileError, ImportRejected
from accounts.importing.mappings import saved_mapping_save
from accounts.importing.options import ImportOptions
from accounts.importing.reading import LINE_COLUMN, read_table
from accounts.importing.results import ImportResult
from accounts.importing.services import apply_import
from accounts.models import IMPORT_UNAPPLIED, ImportBatch, ImportStatus
from kam.events import event_emit
from kam.outbox import outbox_enqueue

logger = logging.getLogger(__name__)

# The page polls every 2 s; writing progress more often than this only costs the import time.
PROGRESS_EVERY = 1.0


def import_batch_frame(*, batch: ImportBatch):
    """The batch's file, read again (raises ImportFileError)."""
    return read_table(data=bytes(batch.data), filename=batch.filename)


def import_batch_is_large(*, frame) -> bool:
    """Too many rows to apply within a web request."""
    return len(frame) > settings.KAM_IMPORT_SYNC_ROWS


def import_batch_apply(
    *, batch: ImportBatch, user, frame=None, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    """Apply the batch's file all or nothing, keep its mapping for the next file of the same header, drop its bytes.

    Raises ImportFileError or ImportRejected, writing nothing.
    """
    frame = import_batch_frame(batch=batch) if frame is None else frame
    options = ImportOptions.from_json(batch.options)
    with transaction.atomic():
        result = apply_import(
            frame=frame,
            mapping=batch.mapping,
            kind=batch.kind,
            user=user,
            create_missing_accounts=batch.create_missing_accounts,
            options=options,
            progress=progress,
        )
        # The mapping that worked is kept (a saved one is updated, keeping its name) for the next export.
        saved_mapping_save(
            user=user,
            kind=batch.kind,
            columns=[str(column) for column in frame.columns if column != LINE_COLUMN],
            mapping=batch.mapping,
            options=options,
            default_name=batch.filename,
        )
        batch.status = ImportStatus.APPLIED
        batch.result = result.as_dict()
        batch.data = b""  # applied: the file is no longer needed
        batch.error = ""
        batch.save(update_fields=["status", "result", "data", "error"])
        event_emit(
            event="import.finished",
            payload={"import": batch.pk, "kind": batch.kind, "status": batch.status, "report": batch.result},
        )
    return result


def import_batch_queue(*, batch: ImportBatch) -> bool:
    """Hand the batch to a worker (after the caller's commit); False when it was not waiting to be applied."""
    with transaction.atomic():
        queued = ImportBatch.objects.filter(pk=batch.pk, status__in=IMPORT_UNAPPLIED).update(
            status=ImportStatus.QUEUED, progress_done=0, progress_total=0, applying_since=None, error=""
        )
        if queued:
            outbox_enqueue(task="accounts.tasks.import_apply_task", args=[batch.pk], key=batch.outbox_key)
    batch.refresh_from_db(fields=["status", "progress_done", "progress_total", "applying_since", "error"])
    return bool(queued)


def import_batch_run(*, batch_id: int, now: datetime | None = None) -> str | None:
    """The worker's part: apply a queued batch once; returns its new status, or None when there was nothing to do.

    A delivery claims the batch (queued → applying) before applying it, so a second delivery does nothing.
    A batch left "applying" longer than a task may live had its worker die (its transaction rolled back,
    nothing written): a redelivery takes it up again.
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimed = (
        ImportBatch.objects.filter(pk=batch_id)
        .filter(Q(status=ImportStatus.QUEUED) | Q(status=ImportStatus.APPLYING, applying_since__lt=stale))
        .update(status=ImportStatus.APPLYING, applying_since=now, progress_done=0, progress_total=0)
    )
    if not claimed:
        return None  # applied, failed, expired, deleted, or being applied by another delivery
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    try:
        import_batch_apply(batch=batch, user=batch.created_by, progress=_progress_writer(batch.pk))
    except ImportRejected as rejected:
        count = len(rejected.preview.errors)
        _fail(
            batch.pk,
            ngettext(
                "Nothing was imported: %(count)s row has a problem (the register changed since the preview). "
                "Preview the file again to see it.",
                "Nothing was imported: %(count)s rows have problems (the register changed since the preview). "
                "Preview the file again to see them.",
                count,
            )
            % {"count": count},
        )
    except ImportFileError as error:
        _fail(batch.pk, error.message)
    except Exception:
        _fail(batch.pk, _("The import could not be applied: nothing was written. Try again, or tell an administrator."))
        raise  # logged by the worker; the batch says what happened
    else:
        return ImportStatus.APPLIED
    return ImportStatus.FAILED


def _fail(batch_pk: int, message: str) -> None:
    failed = ImportBatch.objects.filter(pk=batch_pk, status=ImportStatus.APPLYING).update(
        status=ImportStatus.FAILED, error=message, applying_since=None
    )
    if failed:
        batch = ImportBatch.objects.only("kind").get(pk=batch_pk)
        event_emit(
            event="import.finished",
            payload={"import": batch_pk, "kind": batch.kind, "status": ImportStatus.FAILED, "error": str(message)},
        )


def _progress_writer(batch_pk: int) -> Callable[[int, int], None]:
    """A progress callback that writes (at most every PROGRESS_EVERY seconds) on the batch, outside the import."""
    last = float("-inf")

    def write(done: int, total: int) -> None:
        nonlocal last
        if done < total and time.monotonic() - last < PROGRESS_EVERY:
            return
        last = time.monotonic()
        _write_outside_transaction(
            lambda: ImportBatch.objects.filter(pk=batch_pk, status=ImportStatus.APPLYING).update(
                progress_done=done, progress_total=total
            )
        )

    return write


def _write_outside_transaction(write: Callable[[], object]) -> None:
    """Run `write` on a connection of its own (a thread's), committed at once, so pages see it during the import.

    SQLite admits one writer at a time, and the import is that writer: there the page shows no progress.
    A lost progress write never fails the import.
    """
    if connection.vendor == "sqlite":
        return

    def run() -> None:
        try:
            write()
        except Exception:
            logger.exception("Could not write an import's progress")
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=run, name="import-progress", daemon=True)
    thread.start()
    thread.join(timeout=10)


def import_uploads_expire(*, now: datetime | None = None) -> int:
    """Drop the file of every batch never applied and uploaded over KAM_IMPORT_UPLOAD_TTL_HOURS ago; how many.

    The batch itself is kept (without its bytes) so the wizard can say the upload expired; applied batches keep
    their results.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.KAM_IMPORT_UPLOAD_TTL_HOURS)
    return ImportBatch.objects.filter(status__in=IMPORT_UNAPPLIED, created_at__lt=cutoff).update(
        status=ImportStatus.EXPIRED, data=b"", error=""
    )
