"""Liveness and readiness: what /healthz and /readyz check, and the heartbeats workers and beat leave.

A worker is "seen" when it ran the heartbeat task of its queue (beat sends one per queue every minute);
beat is "seen" each time it publishes a task (Celery's before_task_publish signal in the beat process).
Both are rows of kam.Heartbeat, so any web process on any machine reads them with one query.
"""

from __future__ import annotations

import logging
import socket
from datetime import timedelta
from typing import Any

from celery.signals import beat_init, before_task_publish
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

logger = logging.getLogger(__name__)

BEAT = "beat"
_in_beat = False
_migrations_applied = False  # once true in a process, stays true (migrations are not un-applied)


def heartbeat_record(*, name: str) -> None:
    """Write that `name` is alive now (upsert)."""
    from kam.models import Heartbeat

    Heartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now(), "hostname": socket.gethostname()[:255]}
    )


@beat_init.connect(dispatch_uid="kam_health_beat_init")
def _mark_beat_process(**kwargs: Any) -> None:
    global _in_beat
    _in_beat = True


@before_task_publish.connect(dispatch_uid="kam_health_beat_tick")
def _beat_tick(**kwargs: Any) -> None:
    """In the beat process only: each task it publishes is a tick (the outbox job goes every minute)."""
    if not _in_beat:
        return
    try:
        heartbeat_record(name=BEAT)
    except Exception:  # the database away: beat goes on publishing; /readyz will say beat is not seen
        logger.warning("Could not record beat's tick", exc_info=True)
    finally:
        connection.close_if_unusable_or_obsolete()


def expected_queues() -> list[str]:
    """The queues that must have a live worker: the default one and each routed one."""
    return sorted({settings.CELERY_TASK_DEFAULT_QUEUE, *settings.KAM_TASK_QUEUES.values()})


def migrations_pending() -> bool:
    global _migrations_applied
    if _migrations_applied:
        return False
    executor = MigrationExecutor(connection)
    pending = bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _migrations_applied = not pending
    return pending


def readiness(*, broker_state: str) -> tuple[bool, dict[str, Any]]:
    """Every check by name with "ok" or what is wrong, and whether all pass. No secrets, no host names."""
    from kam.models import Heartbeat

    checks: dict[str, Any] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError:
        return False, {"database": "unavailable"}
    checks["migrations"] = "pending" if migrations_pending() else "ok"
    if not settings.CELERY_BROKER_URL:
        checks["broker"] = checks["workers"] = checks["beat"] = "not configured (tasks run eagerly)"
        return checks["migrations"] == "ok", checks
    checks["broker"] = broker_state
    now = timezone.now()
    seen = dict(Heartbeat.objects.values_list("name", "seen_at"))
    workers = {}
    for queue in expected_queues():
        at = seen.get(f"worker:{queue}")
        fresh = at is not None and now - at <= timedelta(seconds=settings.READYZ_WORKER_MAX_AGE)
        workers[queue] = (
            "ok" if fresh else ("not seen" if at is None else f"last seen {int((now - at).total_seconds())} s ago")
        )
    checks["workers"] = workers
    beat_at = seen.get(BEAT)
    beat_fresh = beat_at is not None and now - beat_at <= timedelta(seconds=settings.READYZ_BEAT_MAX_AGE)
    checks["beat"] = (
        "ok"
        if beat_fresh
        else ("not seen" if beat_at is None else f"last tick {int((now - beat_at).total_seconds())} s ago")
    )
    ready = (
        checks["migrations"] == "ok"
        and broker_state == "ok"
        and all(state == "ok" for state in workers.values())
        and checks["beat"] == "ok"
    )
    return ready, checks
