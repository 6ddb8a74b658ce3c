"""Operators' surface: /readyz, /metrics, request ids, queues and limits, a cache that tolerates Redis going away."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import timezone

from conftest import require_service
from kam import health, metrics, ops_views, request_id
from kam.celery import QueueAnnotations, route_task, task_queue
from kam.models import Heartbeat

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7!k2p$9-production-like-secret-key-with-enough-entropy-3f8a1c",
    "ALLOWED_HOSTS": "kam.example.com",
    "DATABASE_URL": "sqlite:////tmp/kam-deploy-check.sqlite3",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """manage.py in a fresh process with production settings."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SENTRY_DSN"}}
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    clean["DJANGO_SETTINGS_MODULE"] = "kam.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


HEAVY = {"scoring.tasks.segmentation_run_task": "heavy", "plans.tasks.plan_pdf_task": "heavy"}


@pytest.fixture
def two_queues(settings, monkeypatch):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6390/0"
    settings.CELERY_TASK_DEFAULT_QUEUE = "light"
    settings.KAM_TASK_QUEUES = HEAVY
    monkeypatch.setattr(ops_views, "_broker_state", lambda: "ok")


def _seen(name: str, ago: timedelta = timedelta(seconds=10)) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now() - ago, "hostname": "h"})


def test_readyz_is_ready_when_database_broker_each_queues_worker_and_beat_are_fine(client, two_queues):
    for name in ("worker:light", "worker:heavy", "beat"):
        _seen(name)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "database": "ok",
        "migrations": "ok",
        "broker": "ok",
        "workers": {"heavy": "ok", "light": "ok"},
        "beat": "ok",
    }


def test_readyz_says_which_worker_is_missing_and_when_beat_last_ticked(client, two_queues):
    _seen("worker:light")
    _seen("beat", ago=timedelta(minutes=20))
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["workers"] == {"heavy": "not seen", "light": "ok"}
    assert body["beat"].startswith("last tick 1200 s") or body["beat"].startswith("last tick 120")


def test_readyz_tells_no_secret_and_needs_no_sign_in(client, two_queues, settings):
    settings.CELERY_BROKER_URL = "redis://:s3cret-pass@127.0.0.1:6390/0"
    _seen("worker:light")
    text = client.get("/readyz").content.decode()
    assert "s3cret" not in text and "6390" not in text and '"h"' not in text


def test_readyz_is_not_ready_while_migrations_are_pending(client, two_queues, monkeypatch):
    for name in ("worker:light", "worker:heavy", "beat"):
        _seen(name)
    monkeypatch.setattr(health, "migrations_pending", lambda: True)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["migrations"] == "pending"


def test_the_heartbeat_task_records_the_queue_its_worker_took_it_from(settings):
    from kam.tasks import heartbeat_heavy_task

    heartbeat_heavy_task.apply(headers={}, queue="heavy")  # eager: no delivery info, counts as light
    assert Heartbeat.objects.filter(name="worker:light").exists()


def test_metrics_are_hidden_from_users_and_visitors(client, manager):
    assert client.get("/metrics").status_code == 404
    client.force_login(manager)
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer guess").status_code == 404


def test_metrics_answer_the_operators_token_with_requests_latency_tasks_and_queues(client, settings):
    settings.METRICS_TOKEN = "operator-token-123"
    client.get("/healthz")
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer operator-token-123")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'kam_http_requests_total{method="GET",status="200",view="healthz"}' in text
    assert "kam_http_request_duration_seconds_bucket" in text
    assert "kam_outbox_waiting" in text


def test_metrics_answer_an_administrator(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/metrics").status_code == 200


def test_task_outcomes_are_counted_in_redis_and_queue_lengths_read_back(settings):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        require_service("Redis", "set CELERY_BROKER_URL: task counts and queue lengths are read from Redis")
    settings.KAM_TASK_QUEUES = HEAVY
    client = metrics._redis()
    client.delete(metrics.TASKS_KEY)
    task = SimpleNamespace(name="surveys.tasks.campaign_send_task", request=SimpleNamespace(is_eager=False))
    metrics._task_succeeded(sender=task)
    metrics._task_succeeded(sender=task)
    metrics._task_failed(sender=task)
    text = metrics.metrics_exposition().decode()
    assert 'kam_celery_tasks_total{state="succeeded",task="surveys.tasks.campaign_send_task"} 2.0' in text
    assert 'kam_celery_tasks_total{state="failed",task="surveys.tasks.campaign_send_task"} 1.0' in text
    assert 'kam_celery_queue_length{queue="heavy"}' in text and "kam_broker_up 1.0" in text


def test_every_response_carries_a_request_id_and_a_plain_given_one_is_kept(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234.abc")["X-Request-ID"] == "lb-1234.abc"
    hostile = client.get("/healthz", HTTP_X_REQUEST_ID="<script>" + "x" * 100)["X-Request-ID"]
    assert hostile != "<script>" and len(hostile) == 32


def test_a_log_line_of_a_request_is_json_with_its_request_id(client, caplog):
    from pythonjsonlogger.json import JsonFormatter

    with caplog.at_level(logging.INFO, logger="kam.requests"):
        client.get("/healthz", HTTP_X_REQUEST_ID="req-42")
    record = next(r for r in caplog.records if r.name == "kam.requests")
    request_id.RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter("%(levelname)s %(name)s %(message)s %(request_id)s").format(record))
    assert line["request_id"] == "req-42" and line["status"] == 200 and line["path"] == "/healthz"


def test_the_request_id_travels_in_the_task_message_and_is_restored_in_the_worker():
    headers: dict = {}
    token = request_id.request_id_var.set("req-77")
    try:
        request_id._request_id_into_message(headers=headers)
    finally:
        request_id.request_id_var.reset(token)
    assert headers == {"kam_request_id": "req-77"}
    task = SimpleNamespace(request=SimpleNamespace(is_eager=False, kam_request_id="req-77"))
    request_id._request_id_from_message(task=task)
    assert request_id.current_request_id() == "req-77"
    request_id._request_id_forget(task=task)
    assert request_id.current_request_id() == ""


def test_heavy_work_goes_to_the_heavy_queue_with_long_limits_and_the_rest_to_light(settings):
    from scoring.tasks import segmentation_run_task
    from surveys.tasks import campaign_send_task

    settings.KAM_TASK_QUEUES = HEAVY
    settings.CELERY_TASK_DEFAULT_QUEUE = "light"
    assert task_queue("scoring.tasks.segmentation_run_task") == "heavy"
    assert task_queue("surveys.tasks.campaign_send_task") == "light"
    assert route_task("plans.tasks.plan_pdf_task", (), {}, {}) == {"queue": "heavy"}
    assert route_task("kam.tasks.outbox_publish_task", (), {}, {}) is None  # the default queue
    heavy = QueueAnnotations().annotate(segmentation_run_task)
    light = QueueAnnotations().annotate(campaign_send_task)
    assert heavy == {"soft_time_limit": 900, "time_limit": 1200}
    assert light["soft_time_limit"] == 300 and light["time_limit"] == 360 and light["default_retry_delay"] == 60


def test_the_shared_cache_serves_misses_quickly_while_redis_is_away():
    from kam.cache import TolerantRedisCache

    cache = TolerantRedisCache("redis://127.0.0.1:6390/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    started = time.perf_counter()
    assert cache.get_or_set("k", lambda: 42) == 42  # computed, not cached: the page still renders
    cache.set("k", 1)
    assert cache.get("k") is None
    # Each miss waits at most its connect timeout, never a retry loop: loose bound, for a busy machine.
    assert time.perf_counter() - started < 5


def test_production_caches_in_redis_and_stores_files_in_a_bucket_when_configured():
    env = {
        **PRODUCTION_ENV,
        "CACHE_URL": "redis://127.0.0.1:6379/6",
        "AWS_STORAGE_BUCKET_NAME": "kam-files",
        "SENTRY_DSN": "",
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.STORAGES['default']['BACKEND'], s.SESSION_ENGINE, s.LOG_FORMAT)"
    )
    shown = _manage("shell", "-c", code, env=env)
    assert shown.stdout.strip().splitlines()[-1].split() == [
        "kam.cache.TolerantRedisCache",
        "storages.backends.s3.S3Storage",
        "django.contrib.sessions.backends.db",
        "json",
    ], shown.stderr


def test_errors_go_to_sentry_only_when_a_dsn_is_set():
    code = "import sentry_sdk; print(sentry_sdk.get_client().is_active())"
    with_dsn = _manage("shell", "-c", code, env={**PRODUCTION_ENV, "SENTRY_DSN": "https://public@127.0.0.1:9/1"})
    without = _manage("shell", "-c", code, env={**PRODUCTION_ENV, "SENTRY_DSN": ""})
    assert with_dsn.stdout.strip().splitlines()[-1] == "True", with_dsn.stderr
    assert without.stdout.strip().splitlines()[-1] == "False", without.stderr
