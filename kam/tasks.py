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


def _queue_of(task) -> str:
    return (task.request.delivery_info or {}).get("routing_key") or "light"


@shared_task(bind=True, ignore_result=True)
def heartbeat_task(self) -> None:
    """Beat's job every minute on the light queue: the worker that runs it is seen (/readyz)."""
    from kam.health import heartbeat_record

    heartbeat_record(name=f"worker:{_queue_of(self)}")


@shared_task(bind=True, ignore_result=True)
def heartbeat_heavy_task(self) -> None:
    """The same for the heavy queue (routed there by KAM_TASK_QUEUES)."""
    from kam.health import heartbeat_record

    heartbeat_record(name=f"worker:{_queue_of(self)}")
