"""Fixtures shared by every app's tests: one user per role, an outsider, a real worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager

import pytest

from kam.roles import Role
from kam.tests.factories import UserFactory


def require_service(name: str, reason: str) -> None:
    """Skip locally when a service is absent, but fail under CI: CI must test real services."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{name} is required under CI=true: {reason}")
    pytest.skip(f"{name} not configured: {reason}")


@pytest.fixture
def postgresql_only():
    """For behaviour PostgreSQL alone has (the data stamp's triggers): skipped on SQLite locally, failed under CI."""
    from django.db import connection

    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "set DATABASE_URL: this behaviour exists on PostgreSQL only")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, as after a deployment."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request in French leaves French active on the thread: reset it so the next test starts in English."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin-user", role=Role.ADMINISTRATOR)


@pytest.fixture
def manager(db):
    return UserFactory(username="manager-user", role=Role.KEY_ACCOUNT_MANAGER)


@pytest.fixture
def other_manager(db):
    return UserFactory(username="other-manager", role=Role.KEY_ACCOUNT_MANAGER)


@pytest.fixture
def sponsor(db):
    return UserFactory(username="sponsor-user", role=Role.EXECUTIVE_SPONSOR)


@pytest.fixture
def contributor(db):
    return UserFactory(username="contributor-user", role=Role.CONTRIBUTOR)


@pytest.fixture
def outsider(db):
    """Signed in, but with no role: sees nothing."""
    return UserFactory(username="outsider")


def _celery_env() -> dict[str, str]:
    """The environment of a Celery process that shares this test run's database and broker."""
    from django.db import connection

    db = connection.settings_dict
    return {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "kam.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }


@pytest.fixture
def celery_beat(celery_worker, tmp_path):
    """A real `celery beat` with the database scheduler, next to the worker; yields the worker's queue."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kam",
            "beat",
            "--loglevel=WARNING",
            "--max-interval=1",
            "--scheduler",
            "django_celery_beat.schedulers:DatabaseScheduler",
            f"--pidfile={tmp_path / 'beat.pid'}",
        ],
        env=_celery_env(),
    )
    try:
        yield celery_worker
    finally:
        process.terminate()
        process.wait(timeout=20)


def start_celery_worker(queue: str, **env: str) -> subprocess.Popen:
    """Start a real `celery worker` (solo pool) consuming `queue`, with extra environment; wait until it answers.

    The caller stops it (terminate, or kill to simulate a crash). The test process must use the same broker.
    """
    from kam.celery import app

    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "kam", "worker", "--pool=solo", "-Q", queue, "-n", f"{queue}@%h"]
        + ["--loglevel=WARNING", "--without-mingle", "--without-gossip"],
        env={**_celery_env(), **env},
    )
    deadline = time.monotonic() + 30
    node = f"{queue}@{socket.gethostname()}"
    try:
        while not app.control.ping(destination=[node], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Celery worker did not start")
    except BaseException:
        process.kill()  # never leave a worker behind a failed start
        process.wait(timeout=20)
        raise
    return process


@pytest.fixture
def celery_worker(transactional_db, settings):
    """A real `celery worker` process against the configured broker, on its own queue.

    It shares the test database (committed data, hence transactional_db).
    Yields the queue name to send tasks to.
    """
    from django.db import connection

    from kam.celery import app

    if not settings.CELERY_BROKER_URL:
        require_service("Redis", "set CELERY_BROKER_URL to run the Celery worker tests")
    if connection.vendor == "sqlite":
        require_service("PostgreSQL", "set DATABASE_URL: a worker cannot share an in-memory test database")

    queue = f"test-{uuid.uuid4().hex[:8]}"
    process = start_celery_worker(queue)
    app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        app.conf.task_always_eager = True
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def use_broker(url: str):
    """Point this process's Celery app at another broker (a stopped one, one of the test's own), and back afterwards."""
    from kam.celery import app

    def switch(to: str) -> None:
        os.environ["CELERY_BROKER_URL"] = to  # Celery reads this before its own setting
        app.conf.broker_url = to
        # Forget, never close: the pools are kombu's, shared per broker address, and the next test needs them.
        app._pool = None
        app.amqp._producer_pool = None

    before = os.environ.get("CELERY_BROKER_URL") or app.conf.broker_url
    switch(url)
    try:
        yield
    finally:
        switch(before)


@pytest.fixture
def production(transactional_db, tmp_path):
    """`make prod` (deploy/prod.sh) on the test database, a free port and the configured Redis, DEBUG off.

    Yields (base URL, log file); stops the whole process group afterwards. Wait with production_wait_ready().
    """
    from django.conf import settings
    from django.db import connection

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


def _http_get(url: str) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own loopback server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def production_wait_ready(base: str, timeout: float = 240) -> dict:
    """Poll /readyz until it says ready (release and four processes on a busy 2-core machine take a while)."""
    deadline = time.monotonic() + timeout
    body: bytes = b""
    while time.monotonic() < deadline:
        try:
            status, body = _http_get(f"{base}/readyz")
            if status == 200:
                import json

                return json.loads(body)
        except OSError:
            pass  # not listening yet
        time.sleep(1)
    pytest.fail(f"/readyz never said ready: {body!r}")
