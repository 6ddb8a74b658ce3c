"""Project-wide background tasks."""

from __future__ import annotations

from celery import shared_task
from django.db import connection


@shared_task
def healthcheck_task() -> dict[str, str]:
    """Prove a worker is alive and reaches the database (used by /healthz checks and tests)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"worker": "ok", "database": connection.vendor}


def _same_queue(task) -> str | None:
    """The queue the fan-out job came from, so per-user tasks go where the job's workers listen."""
    return (task.request.delivery_info or {}).get("routing_key") or None


@shared_task(bind=True)
def daily_digests_task(self, day: str | None = None) -> int:
    """Beat's daily job: one digest task per user, all for the same day (so a retry keeps its period)."""
    from django.utils import timezone

    from kam.digests import digest_recipients
    from kam.models import DigestKind

    day = day or timezone.localdate().isoformat()
    user_ids = list(digest_recipients(kind=DigestKind.DAILY).values_list("pk", flat=True))
    for user_id in user_ids:
        digest_daily_task.apply_async((user_id, day), queue=_same_queue(self))
    return len(user_ids)


@shared_task(bind=True, acks_late=True, max_retries=3, default_retry_delay=60)
def digest_daily_task(self, user_id: int, day: str) -> bool:
    from datetime import date

    from kam.digests import digest_daily_send
    from kam.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    try:
        return digest_daily_send(user=user, today=date.fromisoformat(day)) is not None
    except OSError as error:  # the mail server is away: the claim was freed, try again later
        raise self.retry(exc=error) from error


@shared_task(bind=True)
def sponsor_digests_task(self, day: str | None = None) -> int:
    """Beat's weekly job: one digest task per executive sponsor."""
    from django.utils import timezone

    from kam.digests import digest_recipients
    from kam.models import DigestKind

    day = day or timezone.localdate().isoformat()
    user_ids = list(digest_recipients(kind=DigestKind.SPONSOR_WEEKLY).values_list("pk", flat=True))
    for user_id in user_ids:
        sponsor_digest_task.apply_async((user_id, day), queue=_same_queue(self))
    return len(user_ids)


@shared_task(bind=True, acks_late=True, max_retries=3, default_retry_delay=60)
def sponsor_digest_task(self, user_id: int, day: str) -> bool:
    from datetime import date

    from kam.digests import digest_sponsor_send
    from kam.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    try:
        return digest_sponsor_send(user=user, today=date.fromisoformat(day)) is not None
    except OSError as error:
        raise self.retry(exc=error) from error


@shared_task
def outbox_publish_task() -> int:
    """Beat's job every minute: publish the outbox messages the broker did not take (see kam.outbox)."""
    from kam.outbox import outbox_prune, outbox_publish

    published = outbox_publish()
    outbox_prune()
    return published
