"""Sending one webhook delivery, retried with exponential back-off."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from webhooks.models import DeliveryStatus, WebhookDelivery
from webhooks.services import delivery_attempt, delivery_give_up

MAX_RETRIES = 5


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def webhook_deliver_task(self, delivery_id: int) -> str | None:
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return None  # gone, or already delivered by an earlier copy of this message
    endpoint = delivery.endpoint
    if not endpoint.is_active or endpoint.paused_at is not None:
        delivery_give_up(delivery=delivery)
        return DeliveryStatus.FAILED
    if delivery_attempt(delivery=delivery):
        return DeliveryStatus.DELIVERED
    if self.request.retries >= self.max_retries:
        delivery_give_up(delivery=delivery)
        return DeliveryStatus.FAILED
    # 1, 2, 4, 8, 16 times the base (30 s by default: the last try comes ~15 minutes after the first).
    raise self.retry(countdown=settings.WEBHOOK_RETRY_BASE_SECONDS * 2**self.request.retries)
