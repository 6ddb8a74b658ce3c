"""Redis away while people work: pages keep serving (cache and broker both down), work waits in the outbox and
reaches the broker when it is back. The test points the app at a closed port; the shared Redis is never stopped."""

from __future__ import annotations

import socket
import uuid
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from accounts.tests.factories import AccountFactory
from conftest import require_service, use_broker
from kam.celery import app
from kam.models import OutboxMessage
from kam.outbox import outbox_publish
from scoring.models import SegmentationRun
from scoring.tests.factories import rated_portfolio, three_criteria


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


@pytest.fixture
def redis_away(transactional_db, settings):
    """Cache and broker at a closed port; the outbox publishes after commit as in production (transactional_db)."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        require_service("Redis", "set CELERY_BROKER_URL: the work must reach a real broker when it is back")
    live = settings.CELERY_BROKER_URL
    dead = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.CACHES = {"default": {"BACKEND": "kam.cache.TolerantRedisCache", "LOCATION": dead}}
    queue = f"test-outage-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue  # where the outbox publishes once Redis is back
    app.conf.task_always_eager = False
    try:
        yield dead, live, queue
    finally:
        app.conf.task_always_eager = True
        redis.Redis.from_url(live).delete(queue)


def test_pages_serve_and_a_run_waits_in_the_outbox_while_redis_is_away_then_reaches_the_broker(
    redis_away, client, admin_user, manager, settings
):
    dead, live, queue = redis_away
    three_criteria()
    rated_portfolio([(100, 1000), (200, 800), (300, 600)], [1, 5, 9])
    account = AccountFactory(owner=manager)
    with use_broker(dead):
        settings.CELERY_BROKER_URL = dead
        client.force_login(manager)
        for page in ("/", "/accounts/", f"/accounts/{account.pk}/", "/dashboard/", "/plans/", "/surveys/"):
            assert client.get(page).status_code == 200, page
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["broker"] == "unavailable"
        assert client.get("/readyz").json()["broker"] == "unavailable"
        client.force_login(admin_user)
        response = client.post("/scoring/runs/new/")
        assert response.status_code == 302
        assert "Queued: the run will start when the task service is back." in client.get(response.url).content.decode()
    run = SegmentationRun.objects.get()
    message = OutboxMessage.objects.get(key=run.outbox_key)
    assert message.published_at is None and message.attempts == 1  # tried once, kept

    settings.CELERY_BROKER_URL = live  # Redis is back: the every-minute job publishes it
    assert outbox_publish(now=timezone.now() + timedelta(minutes=2)) == 1
    assert OutboxMessage.objects.get(pk=message.pk).published_at is not None
    assert redis.Redis.from_url(live).llen(queue) == 1
