"""Webhooks end to end: a real Celery worker delivers to a local HTTP receiver.

One delivery per event with a valid signature, a retry after a 500, and an endpoint paused (its owner told)
after repeated failures.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection, transaction

from conftest import require_service, start_celery_worker
from kam.events import EVENTS, event_emit
from kam.models import Notification
from kam.roles import Role
from kam.tests.factories import UserFactory
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from webhooks.services import endpoint_secret

pytestmark = pytest.mark.worker


class Receiver:
    """An HTTP server in a thread that records each POST and answers the next status in `answers` (then 200)."""

    def __init__(self, answers: list[int] | None = None) -> None:
        self.answers = list(answers or [])
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                if status in (301, 302):
                    self.send_header("Location", "http://example.invalid/elsewhere")
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"nope")

            def log_message(self, *args) -> None:
                """Keep the test output quiet: the receiver's own records are what the test reads."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()


@pytest.fixture
def webhook_worker(transactional_db, settings):
    """A real worker with quick back-off (0.2 s base) and a pause after 3 failures in a row."""
    from kam.celery import app

    if not settings.CELERY_BROKER_URL:
        require_service("Redis", "set CELERY_BROKER_URL to run the Celery worker tests")
    if connection.vendor == "sqlite":
        require_service("PostgreSQL", "set DATABASE_URL: a worker cannot share an in-memory test database")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    process = start_celery_worker(queue, WEBHOOK_RETRY_BASE_SECONDS="0.2", WEBHOOK_MAX_FAILURES="3")
    settings.CELERY_TASK_DEFAULT_QUEUE = queue  # where the outbox publishes
    app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        app.conf.task_always_eager = True
        process.terminate()
        process.wait(timeout=20)


def _endpoint(url: str, events: list[str]) -> WebhookEndpoint:
    owner = UserFactory(username=f"hook-admin-{uuid.uuid4().hex[:6]}", role=Role.ADMINISTRATOR)
    return WebhookEndpoint.objects.create(url=url, events=events, secret=endpoint_secret(), owner=owner)


def _wait(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the worker")
        time.sleep(0.1)


def _valid(secret: str, request: dict) -> bool:
    parts = dict(part.split("=", 1) for part in request["headers"]["X-KAM-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"]) and abs(time.time() - int(parts["t"])) < 300


def test_one_signed_delivery_per_event(webhook_worker):
    with Receiver() as receiver:
        endpoint = _endpoint(receiver.url, list(EVENTS))
        _endpoint(receiver.url, [])  # listens to nothing: gets nothing
        for event in EVENTS:
            with transaction.atomic():
                event_emit(event=event, payload={"example": event})
        _wait(lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == len(EVENTS))
        time.sleep(0.5)  # nothing more arrives
        assert sorted(r["headers"]["X-KAM-Event"] for r in receiver.received) == sorted(EVENTS)
        assert all(_valid(endpoint.secret, r) for r in receiver.received)
        bodies = [json.loads(r["body"]) for r in receiver.received]
        assert {b["event"]: b["data"] for b in bodies} == {e: {"example": e} for e in EVENTS}
        delivery = WebhookDelivery.objects.first()
        assert delivery.response_status == 200 and delivery.latency_ms is not None
        assert delivery.response_excerpt == "ok"


def test_a_500_is_retried_until_delivered(webhook_worker):
    with Receiver(answers=[500, 500]) as receiver:
        endpoint = _endpoint(receiver.url, ["plan.submitted"])
        with transaction.atomic():
            event_emit(event="plan.submitted", payload={"plan": 1})
        _wait(lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).exists())
        delivery = WebhookDelivery.objects.get()
        assert delivery.attempts == 3 and len(receiver.received) == 3
        assert len({r["headers"]["X-KAM-Delivery"] for r in receiver.received}) == 1
        endpoint.refresh_from_db()
        assert endpoint.consecutive_failures == 0 and endpoint.paused_at is None


def test_an_endpoint_that_keeps_failing_is_paused_and_its_owner_told(webhook_worker):
    with Receiver(answers=[500] * 20) as receiver:
        endpoint = _endpoint(receiver.url, ["import.finished"])
        with transaction.atomic():
            event_emit(event="import.finished", payload={"import": 1})
        _wait(lambda: WebhookEndpoint.objects.filter(pk=endpoint.pk, paused_at__isnull=False).exists())
        _wait(lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.FAILED).exists())
        assert len(receiver.received) == 3
        assert Notification.objects.filter(user=endpoint.owner, kind="webhook_paused").count() == 1
        # Paused: a later event is recorded for no one.
        with transaction.atomic():
            event_emit(event="import.finished", payload={"import": 2})
        assert WebhookDelivery.objects.count() == 1


def test_a_redirect_is_not_followed(webhook_worker):
    with Receiver(answers=[302] * 20) as receiver:
        endpoint = _endpoint(receiver.url, ["survey.alert"])
        with transaction.atomic():
            event_emit(event="survey.alert", payload={})
        _wait(lambda: WebhookEndpoint.objects.filter(pk=endpoint.pk, paused_at__isnull=False).exists())
        delivery = WebhookDelivery.objects.get()
        assert delivery.response_status == 302 and delivery.status != DeliveryStatus.DELIVERED
