"""Health's background work: one task for the whole portfolio, once a week."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def health_weekly_task(day: str | None = None) -> dict[str, int]:
    """Weekly: snapshot every account's health and run the playbooks (a re-run in the same week replaces the
    snapshot and fires nothing twice)."""
    from datetime import date

    from health.services import health_weekly

    return health_weekly(today=date.fromisoformat(day) if day else None)


@shared_task(acks_late=True)
def playbook_mail_task(notification_ids: list[int]) -> int:
    """E-mail a playbook's notifications; a failure leaves them for the outbox's next attempt (none is sent twice)."""
    from kam.notifications import notifications_email

    return notifications_email(notification_ids=notification_ids)
