"""The digests' background jobs, and the pruning of the dashboard's change log.

Their task names stay "kam.tasks.*" (where they were first written): beat's rows in the
database and messages already queued name them so, and must keep finding them.
"""

from __future__ import annotations

from celery import shared_task


def _same_queue(task) -> str | None:
    """The queue the fan-out job came from, so per-user tasks go where the job's workers listen."""
    return (task.request.delivery_info or {}).get("routing_key") or None


@shared_task(bind=True, name="kam.tasks.daily_digests_task")
def daily_digests_task(self, day: str | None = None) -> int:
    """Beat's daily job: one digest task per user, all for the same day (so a retry keeps its period)."""
    from django.utils import timezone

    from kam.models import DigestKind
    from portfolio.digests import digest_recipients

    day = day or timezone.localdate().isoformat()
    user_ids = list(digest_recipients(kind=DigestKind.DAILY).values_list("pk", flat=True))
    for user_id in user_ids:
        digest_daily_task.apply_async((user_id, day), queue=_same_queue(self))
    return len(user_ids)


@shared_task(bind=True, name="kam.tasks.digest_daily_task", acks_late=True, max_retries=3, default_retry_delay=60)
def digest_daily_task(self, user_id: int, day: str) -> bool:
    from datetime import date

    from kam.models import User
    from portfolio.digests import digest_daily_send

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    try:
        return digest_daily_send(user=user, today=date.fromisoformat(day)) is not None
    except OSError as error:  # the mail server is away: the claim was freed, try again later
        raise self.retry(exc=error) from error


@shared_task(bind=True, name="kam.tasks.sponsor_digests_task")
def sponsor_digests_task(self, day: str | None = None) -> int:
    """Beat's weekly job: one digest task per executive sponsor."""
    from django.utils import timezone

    from kam.models import DigestKind
    from portfolio.digests import digest_recipients

    day = day or timezone.localdate().isoformat()
    user_ids = list(digest_recipients(kind=DigestKind.SPONSOR_WEEKLY).values_list("pk", flat=True))
    for user_id in user_ids:
        sponsor_digest_task.apply_async((user_id, day), queue=_same_queue(self))
    return len(user_ids)


@shared_task(bind=True, name="kam.tasks.sponsor_digest_task", acks_late=True, max_retries=3, default_retry_delay=60)
def sponsor_digest_task(self, user_id: int, day: str) -> bool:
    from datetime import date

    from kam.models import User
    from portfolio.digests import digest_sponsor_send

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    try:
        return digest_sponsor_send(user=user, today=date.fromisoformat(day)) is not None
    except OSError as error:
        raise self.retry(exc=error) from error


@shared_task(name="portfolio.tasks.data_changes_prune_task")
def data_changes_prune_task() -> int:
    """Beat's nightly job: keep the dashboard's change log to its newest row (one row per write otherwise)."""
    from kam.stamp import data_changes_prune

    return data_changes_prune()
