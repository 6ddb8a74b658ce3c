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


@shared_task
def outbox_publish_task() -> int:
    """Beat's job every minute: publish the outbox messages the broker did not take (see kam.outbox)."""
    from kam.outbox import outbox_prune, outbox_publish

    published = outbox_publish()
    outbox_prune()
    return published
