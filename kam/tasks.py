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
