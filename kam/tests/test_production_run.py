"""`make prod` for real: deploy/prod.sh starts gunicorn, a heavy and a light worker and beat (honcho, Procfile.prod)
with DEBUG off on PostgreSQL and Redis; /readyz says ready, and the app outlives its database connections.

Uses the test database and the configured Redis (your own database number), on a free port. PostgreSQL is never
restarted (the server is shared): its connections to the test database are terminated instead.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

from conftest import production_wait_ready
from kam.celery import app
from kam.request_id import request_id_var
from kam.tasks import healthcheck_task

pytestmark = pytest.mark.worker


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own loopback server
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_make_prod_serves_ready_with_debug_off_and_reconnects_after_its_database_connections_die(production):
    production, log = production
    ready = production_wait_ready(production)
    assert ready == {
        "status": "ready",
        "database": "ok",
        "migrations": "ok",
        "broker": "ok",
        "workers": {"heavy": "ok", "light": "ok"},
        "beat": "ok",
    }
    status, headers, body = _get(f"{production}/login/")
    assert status == 200 and b"<form" in body and headers.get("X-Request-ID")
    status, _headers, body = _get(f"{production}/static/missing-file.css")
    assert status == 404 and b"Traceback" not in body and b"DEBUG = True" not in body  # DEBUG is off

    # "PostgreSQL restarted": every connection the app holds to its database is cut.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchone()[0] >= 1  # gunicorn's, the workers' and beat's connections
    for _request in range(4):  # each gunicorn worker meets its dead connection and reconnects (CONN_HEALTH_CHECKS)
        assert _get(f"{production}/readyz")[0] == 200
        assert _get(f"{production}/login/")[0] == 200
    app.conf.task_always_eager = False
    token = request_id_var.set("prod-test-request-1")  # as if a request enqueued it
    try:  # the light worker reconnects too
        result = healthcheck_task.apply_async(queue="light")
        assert result.get(timeout=60) == {"worker": "ok", "database": "postgresql"}
    finally:
        request_id_var.reset(token)
        app.conf.task_always_eager = True
    # The worker's JSON log line about the task carries the id of the request that enqueued it.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = [line for line in log.read_text().splitlines() if result.id in line and "succeeded" in line]
        if lines:
            break
        time.sleep(0.5)
    record = json.loads(lines[0].split("| ", 1)[1])
    assert record["request_id"] == "prod-test-request-1" and record["level"] == "INFO"
