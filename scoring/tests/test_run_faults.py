"""Segmentation runs under faults, on PostgreSQL with real workers: racing requests, a worker killed mid-run."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from datetime import timedelta

import psycopg2
import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import Account
from conftest import require_service, start_celery_worker, use_broker
from kam.celery import app
from kam.outbox import outbox_publish
from scoring.models import RunStatus, SegmentationRun
from scoring.services import segmentation_execute, segmentation_run_request
from scoring.tasks import segmentation_run_task, segmentation_watchdog_task
from scoring.tests.factories import rated_portfolio, three_criteria

pytestmark = pytest.mark.worker


def _current_results() -> list[tuple]:
    return list(Account.objects.order_by("pk").values_list("pk", "segment", "tier", "score", "is_key"))


def test_two_run_now_clicks_racing_make_one_run_and_one_clear_refusal(transactional_db, admin_user, settings):
    # The worker starts once both clicks have their answer: on a busy machine a worker already listening could
    # finish the first run before the second click arrives, and two runs one after the other are no race.
    if not settings.CELERY_BROKER_URL or connection.vendor != "postgresql":
        require_service("Redis and PostgreSQL", "set CELERY_BROKER_URL and DATABASE_URL to run the worker tests")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue  # where the outbox publishes; the task waits there
    app.conf.task_always_eager = False
    three_criteria()
    rated_portfolio([(100, 1000), (200, 800), (300, 600), (400, 400)], [1, 4, 7, 10])
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(admin_user)
    start = threading.Barrier(len(clients))
    pages: list[str] = []

    def click(client: Client) -> None:
        try:
            start.wait()
            pages.append(client.post("/scoring/runs/new/", follow=True).content.decode())
        finally:
            connection.close()  # this thread's own connection

    worker = None
    try:
        threads = [threading.Thread(target=click, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        run = SegmentationRun.objects.get()  # one run
        refusals = [page for page in pages if "wait for it to finish" in page]
        assert len(pages) == 2 and len(refusals) == 1
        assert f'<a href="/scoring/runs/{run.pk}/">See the run under way</a>' in refusals[0]
        worker = start_celery_worker(queue)
        deadline = time.monotonic() + 30
        while SegmentationRun.objects.get(pk=run.pk).status != RunStatus.DONE:
            assert time.monotonic() < deadline, "the worker did not finish the run within 30 s"
            time.sleep(0.3)
    finally:
        app.conf.task_always_eager = True
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=20)


@pytest.fixture
def short_heartbeat(monkeypatch, settings):
    """Heartbeats every second, a run silent for 3 s counts as dead: in this test and in the workers it starts.

    Requested before celery_worker, so the worker inherits the environment.
    """
    monkeypatch.setenv("SEGMENTATION_HEARTBEAT_INTERVAL", "1")
    monkeypatch.setenv("SEGMENTATION_HEARTBEAT_TIMEOUT", "3")
    settings.SEGMENTATION_HEARTBEAT_INTERVAL = 1
    settings.SEGMENTATION_HEARTBEAT_TIMEOUT = 3


def test_a_run_whose_worker_is_killed_is_failed_by_the_watchdog_and_the_next_run_succeeds(
    short_heartbeat, celery_worker
):
    three_criteria()
    rated_portfolio([(100, 1000), (200, 800), (300, 600), (400, 400)], [1, 4, 7, 10])
    previous = segmentation_execute(run=segmentation_run_request())
    assert previous.status == RunStatus.DONE
    results = _current_results()

    doomed_queue = f"test-{uuid.uuid4().hex[:8]}"
    doomed = start_celery_worker(doomed_queue)
    db = connection.settings_dict
    blocker = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"])
    try:
        # Hold the run in the middle of its work: it waits to read the accounts this connection locks.
        with blocker.cursor() as cursor:
            cursor.execute("LOCK TABLE accounts_account IN ACCESS EXCLUSIVE MODE")
        run = segmentation_run_request()
        segmentation_run_task.apply_async((run.pk,), queue=doomed_queue)
        deadline = time.monotonic() + 20
        while True:
            run.refresh_from_db()
            if run.status == RunStatus.RUNNING and run.heartbeat_at > run.started_at:
                break  # running, and its heartbeat beats while it waits
            assert time.monotonic() < deadline, f"the run did not start beating ({run.status})"
            time.sleep(0.2)
        os.kill(doomed.pid, signal.SIGKILL)  # the whole worker dies, mid-run
        doomed.wait(timeout=10)
    finally:
        if doomed.poll() is None:
            doomed.kill()
        blocker.rollback()
        blocker.close()

    assert _current_results() == results  # the previous results stay current throughout
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING
    deadline = time.monotonic() + 15
    while segmentation_watchdog_task.apply_async(queue=celery_worker).get(timeout=10) == 0:
        assert time.monotonic() < deadline, "the watchdog did not fail the dead run"
        time.sleep(0.5)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "gave no sign of life" in run.error
    assert _current_results() == results
    assert SegmentationRun.objects.filter(status=RunStatus.DONE).order_by("-finished_at").first() == previous

    nxt = segmentation_run_request()  # starts at once, no hour to wait
    assert segmentation_run_task.apply_async((nxt.pk,), queue=celery_worker).get(timeout=30) == RunStatus.DONE
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost


def test_run_now_while_the_broker_is_unreachable_queues_the_run_and_the_worker_runs_it_when_it_is_back(
    celery_worker, admin_user, client, settings
):
    settings.CELERY_TASK_DEFAULT_QUEUE = celery_worker
    three_criteria()
    rated_portfolio([(100, 1000), (200, 800), (300, 600), (400, 400)], [1, 4, 7, 10])
    client.force_login(admin_user)
    with use_broker("redis://127.0.0.1:6390/0"):  # nothing listens there
        response = client.post("/scoring/runs/new/")
    run = SegmentationRun.objects.get()
    assert response.status_code == 302 and response.url == f"/scoring/runs/{run.pk}/"
    assert "Queued: the run will start when the task service is back." in client.get(response.url).content.decode()
    assert run.status == RunStatus.PENDING
    assert outbox_publish(now=timezone.now() + timedelta(minutes=2)) == 1  # the broker is back
    deadline = time.monotonic() + 30
    while SegmentationRun.objects.get(pk=run.pk).status != RunStatus.DONE:
        assert time.monotonic() < deadline, "the worker did not run the queued run within 30 s"
        time.sleep(0.3)
