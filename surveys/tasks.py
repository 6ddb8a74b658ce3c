"""Survey background work: sending a campaign's e-mails, alerts after an answer, the daily reminders and closing.

Tasks import services, never the other way: services record the work in the outbox (kam.outbox) by task name.
"""

from __future__ import annotations

import logging
from smtplib import SMTPException

from celery import shared_task

from surveys.models import Campaign, CampaignStatus
from surveys.services import campaign_alerts_send, campaigns_close, invitations_send, reminders_send

logger = logging.getLogger(__name__)

MAIL_ERRORS = (OSError, SMTPException)


# Retries wait at most 20 minutes: Redis redelivers a message still waiting after the visibility timeout
# (30 minutes, kam/settings.py), so a longer wait would run the retry twice (harmless, but needless).
@shared_task(acks_late=True, autoretry_for=MAIL_ERRORS, max_retries=5, retry_backoff=60, retry_backoff_max=20 * 60)
def campaign_send_task(campaign_id: int) -> int:
    campaign = Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SENT).first()
    if campaign is None:
        return 0
    # Only invitations not yet mailed: a retry after a mail failure sends the rest, a redelivery nothing twice.
    return invitations_send(campaign=campaign)


@shared_task(acks_late=True)
def campaign_alerts_task(campaign_id: int, account_ids: list[int]) -> int:
    """Raise the alerts an answer may trigger; a mail failure is logged, the in-app notifications stay."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    try:
        return campaign_alerts_send(campaign=campaign, account_ids=account_ids)
    except MAIL_ERRORS:
        logger.exception("Survey alert e-mails for campaign %s failed", campaign_id)
        return 0


@shared_task(acks_late=True)
def surveys_daily_task() -> dict[str, int]:
    """Run by beat every day: remind non-respondents, then close campaigns past their date (with final alerts)."""
    return {"reminded": reminders_send(), "closed": campaigns_close()}
