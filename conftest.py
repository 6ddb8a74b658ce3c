"""Fixtures shared by every app's tests: one user per role, an outsider, a real worker."""

from __future__ import annotations

import os
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


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, as after a deployment."""
    from django.core.cache import cache

    cache.clear()


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
