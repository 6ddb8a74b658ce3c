"""The transactional outbox: background work recorded with the change that needs it, published from the database.

`outbox_enqueue` writes an OutboxMessage in the caller's transaction and tries to publish it once
that transaction commits. When the broker is down the row simply stays unpublished; the periodic
`kam.tasks.outbox_publish_task` (every minute) publishes it when the broker is back. Nothing a
user was promised can be lost between the commit and the broker.

Tasks are named by string (kam imports no other app) and must be idempotent: a message is
delivered at least once. The worker marks a row done when its task finishes (the Celery task id
is the row's `message_id`); a row published but never done (its message lost with a broker that
kept no copy) is published again after OUTBOX_REDELIVER_AFTER.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from celery.signals import task_postrun
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kam.celery import app, task_queue
from kam.models import OutboxMessage

logger = logging.getLogger(__name__)

# A publish that fails waits this long per failed attempt (capped) before the periodic job tries again.
RETRY_STEP = timedelta(minutes=1)
RETRY_MAX = timedelta(minutes=10)
# A fresh message is left to its on_commit publish this long, so the periodic job does not double it.
ON_COMMIT_GRACE = timedelta(seconds=30)
# Done messages are kept a while for the administrators' eyes (/admin/), then pruned by the periodic job.
KEEP_DONE = timedelta(days=30)


def outbox_enqueue(*, task: str, args: list | None = None, kwargs: dict | None = None, key: str = "") -> OutboxMessage:
    """Record `task` to run after the current transaction commits; publish it then, or later if the broker is down."""
    message = OutboxMessage.objects.create(
        task_name=task,
        args=args or [],
        kwargs=kwargs or {},
        key=key,
        # The commit publishes it at once; the periodic job only takes it if that did not happen.
        available_at=timezone.now() + ON_COMMIT_GRACE,
    )
    transaction.on_commit(lambda: outbox_message_publish(message=message))
    return message


def outbox_message_publish(*, message: OutboxMessage, now: datetime | None = None) -> bool:
    """Hand one message to the broker (or run it in-process without one); True when it left. Never raises."""
    now = now or timezone.now()
    try:
        if app.conf.task_always_eager:
            # No broker (development, tests): run it here, like .delay() would; a failure stays recorded.
            app.loader.import_default_modules()  # every app's tasks.py, as a worker loads them (once)
            result = app.tasks[message.task_name].apply(
                args=message.args, kwargs=message.kwargs, task_id=str(message.message_id)
            )
            if result.failed():
                raise result.result
        else:
            app.send_task(
                message.task_name,
                args=message.args,
                kwargs=message.kwargs,
                task_id=str(message.message_id),
                queue=task_queue(message.task_name),
                # One try: a page waiting on a dead broker would hang; the periodic job tries again.
                retry=True,
                retry_policy={"max_retries": 0},
            )
    except Exception as error:  # any broker or task error: keep the row for the next attempt
        logger.warning("Outbox message %s (%s) not published: %s", message.pk, message.task_name, error)
        attempts = message.attempts + 1
        OutboxMessage.objects.filter(pk=message.pk, done_at=None).update(
            attempts=attempts,
            last_error=str(error)[:2000] or error.__class__.__name__,
            available_at=now + min(RETRY_STEP * attempts, RETRY_MAX),
        )
        message.attempts = attempts
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(published_at=now, attempts=message.attempts + 1, last_error="")
    message.published_at = now
    return True


def outbox_pending(*, now: datetime | None = None):
    """Messages to publish now: never published and due, or published long ago and still not done."""
    now = now or timezone.now()
    redeliver_before = now - timedelta(seconds=settings.OUTBOX_REDELIVER_AFTER)
    return OutboxMessage.objects.filter(done_at=None).filter(
        Q(published_at=None, available_at__lte=now) | Q(published_at__lt=redeliver_before)
    )


def outbox_publish(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Publish what is waiting; returns how many left. Rows are locked while published, so two beats publish once."""
    now = now or timezone.now()
    pending = outbox_pending(now=now).order_by("available_at", "pk")
    if app.conf.task_always_eager:
        # No broker, one process (development): the tasks run here, outside any lock of ours.
        return sum(outbox_message_publish(message=message, now=now) for message in list(pending[:limit]))
    published = 0
    with transaction.atomic():
        for message in list(pending.select_for_update(skip_locked=True)[:limit]):
            published += outbox_message_publish(message=message, now=now)
    return published


def outbox_prune(*, now: datetime | None = None) -> int:
    """Forget messages done more than KEEP_DONE ago; returns how many. What is not done is always kept."""
    now = now or timezone.now()
    deleted, _by_model = OutboxMessage.objects.filter(done_at__lt=now - KEEP_DONE).delete()
    return deleted


def outbox_state(*, key: str) -> str | None:
    """The state of the latest message about `key`: "waiting" (not handed to the broker), "published", "done"."""
    message = OutboxMessage.objects.filter(key=key).order_by("-created_at", "-pk").first()
    return message.state if message else None


def outbox_publish_failed(*, key: str) -> bool:
    """True when the latest message about `key` could not be handed to the broker (it will be, once it is back)."""
    message = OutboxMessage.objects.filter(key=key).order_by("-created_at", "-pk").first()
    return message is not None and message.state == "waiting" and message.attempts > 0


@task_postrun.connect(dispatch_uid="kam_outbox_done")
def _outbox_mark_done(task_id: str | None = None, state: str | None = None, retval=None, **kwargs) -> None:
    """Infrastructure, not domain flow: a finished task (success or final failure) closes its outbox row."""
    if not task_id or state not in ("SUCCESS", "FAILURE"):
        return  # a RETRY comes back through the broker under the same id
    try:
        uuid.UUID(str(task_id))
    except ValueError:
        return
    error = "" if state == "SUCCESS" else str(retval)[:2000]
    try:
        OutboxMessage.objects.filter(message_id=task_id, done_at=None).update(done_at=timezone.now(), last_error=error)
    except Exception:  # a database hiccup: the row is published again later, and the task is idempotent
        logger.exception("Could not mark outbox message %s done", task_id)
