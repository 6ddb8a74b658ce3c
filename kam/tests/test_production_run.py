"""`make prod` for real: deploy/prod.sh starts gunicorn, a heavy and a light worker and beat (honcho, Procfile.prod)
with DEBUG off on PostgreSQL and Redis; /readyz says ready, and the app outlives its database connections.

Uses the test database and the configured Redis (your own database number), on a free port. PostgreSQL is never
restarted (the server is shared): its connections to the test database are terminated instead.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from conftest import require_service
from kam.celery import app
from kam.request_id import request_id_var
from kam.tasks import healthcheck_task

pytestmark = pytest.mark.worker

STARTUP_SECONDS = 240  # release (migrate, deploy check) and four processes on a busy 2-core machine


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own loopback server
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def production(transactional_db, tmp_path):
    """deploy/prod.sh on a free port; yields its base URL; stops the whole process group afterwards."""
    if not settings.CELERY_BROKER_URL:
        require_service("Redis", "set CELERY_BROKER_URL to start the production processes")
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "set DATABASE_URL: production runs on PostgreSQL")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}},
        "DEBUG": "false",  # prod.sh sets it too: what is tested is production mode
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "WEB_PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "KAM_RUN_DIR": str(tmp_path / "run"),
        "LOG_LEVEL": "INFO",
    }
    # Static files are collected once per checkout (two minutes on a busy machine); later runs reuse them.
    if (settings.BASE_DIR / "staticfiles" / "staticfiles.json").exists():
        env["KAM_SKIP_COLLECTSTATIC"] = "true"
    log = (tmp_path / "prod.log").open("w")
    process = subprocess.Popen(
        [settings.BASE_DIR / "deploy" / "prod.sh"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield f"http://127.0.0.1:{port}", tmp_path / "prod.log"
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # honcho and everything it started: our own group only
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()
        print((tmp_path / "prod.log").read_text()[-5000:])


def _wait_ready(base: str, deadline: float) -> dict:
    body: bytes = b""
    while time.monotonic() < deadline:
        try:
            status, _headers, body = _get(f"{base}/readyz")
            if status == 200:
                return json.loads(body)
        except OSError:
            pass  # not listening yet
        time.sleep(1)
    pytest.fail(f"/readyz never said ready: {body!r}")


def test_make_prod_serves_ready_with_debug_off_and_reconnects_after_its_database_connections_die(production):
    production, log = production
    ready = _wait_ready(production, time.monotonic() + STARTUP_SECONDS)
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
