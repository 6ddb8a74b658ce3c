"""Recording deliveries for an event, sending one (signed, no redirects), and pausing an endpoint that keeps failing."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from datetime import datetime

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.notifications import notifications_send
from kam.outbox import outbox_enqueue
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

DELIVER_TASK = "webhooks.tasks.webhook_deliver_task"
TIMEOUT_SECONDS = 10
EXCERPT_CHARS = 500


def endpoint_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex: the receiver recomputes and compares it, refusing old timestamps."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def deliveries_create(*, event: str, payload: dict) -> list[WebhookDelivery]:
    """One delivery per active endpoint listening for `event`, each queued through the outbox (after commit)."""
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True, paused_at=None) if event in e.events]
    created = []
    for endpoint in endpoints:
        delivery = WebhookDelivery.objects.create(endpoint=endpoint, event=event, payload=payload)
        outbox_enqueue(task=DELIVER_TASK, args=[delivery.pk], key=f"webhooks.delivery:{delivery.pk}")
        created.append(delivery)
    return created


def delivery_body(delivery: WebhookDelivery) -> bytes:
    data = {
        "id": delivery.pk,
        "event": delivery.event,
        "created_at": delivery.created_at,
        "data": delivery.payload,
    }
    return json.dumps(data, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


def delivery_attempt(*, delivery: WebhookDelivery, now: datetime | None = None) -> bool:
    """POST the delivery once; record the outcome. True when the endpoint answered 2xx."""
    endpoint = delivery.endpoint
    body = delivery_body(delivery)
    timestamp = int((now or timezone.now()).timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "KAM-Webhooks/1",
        "X-KAM-Event": delivery.event,
        "X-KAM-Delivery": str(delivery.pk),
        "X-KAM-Signature": f"t={timestamp},v1={signature(secret=endpoint.secret, timestamp=timestamp, body=body)}",
    }
    started = time.monotonic()
    status_code, excerpt, error = None, "", ""
    try:
        # Never follow a redirect: the endpoint is the URL the administrator entered, and nothing else.
        response = requests.post(
            endpoint.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False
        )
        status_code, excerpt = response.status_code, response.text[:EXCERPT_CHARS]
        ok = 200 <= response.status_code < 300
        if not ok:
            error = _("The endpoint answered %(status)s.") % {"status": response.status_code}
    except requests.RequestException as exc:
        ok, error = False, str(exc)[:EXCERPT_CHARS]
    latency = int((time.monotonic() - started) * 1000)
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            attempts=F("attempts") + 1,
            response_status=status_code,
            latency_ms=latency,
            response_excerpt=excerpt,
            error=error,
            status=DeliveryStatus.DELIVERED if ok else DeliveryStatus.PENDING,
            delivered_at=timezone.now() if ok else None,
        )
        if ok:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        else:
            endpoint_failure(endpoint=endpoint)
    return ok


def endpoint_failure(*, endpoint: WebhookEndpoint) -> bool:
    """Count a failed attempt; pause the endpoint and tell its owner at the limit. True when it was just paused."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    endpoint.refresh_from_db(fields=["consecutive_failures", "paused_at"])
    if endpoint.paused_at is not None or endpoint.consecutive_failures < settings.WEBHOOK_MAX_FAILURES:
        return False
    paused = WebhookEndpoint.objects.filter(pk=endpoint.pk, paused_at=None).update(paused_at=timezone.now())
    if paused:
        notifications_send(
            users=[endpoint.owner],
            kind="webhook_paused",
            message_for=lambda user: (
                _("Webhook endpoint %(url)s was paused after %(count)s failed deliveries in a row.")
                % {"url": endpoint.url, "count": endpoint.consecutive_failures}
            ),
            url=f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/",
            dedupe_key=f"webhook-paused:{endpoint.pk}:{timezone.now().isoformat()}",
        )
    return bool(paused)


def delivery_give_up(*, delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(status=DeliveryStatus.FAILED)


def endpoint_resume(*, endpoint: WebhookEndpoint) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(paused_at=None, consecutive_failures=0)
