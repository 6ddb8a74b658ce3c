"""Survey background work: sending a campaign's e-mails, and the daily reminders and closing."""

from __future__ import annotations

from celery import shared_task

from surveys.models import Campaign, CampaignStatus
from surveys.services import campaigns_close, invitations_send, reminders_send


@shared_task(acks_late=True)
def campaign_send_task(campaign_id: int) -> int:
    campaign = Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SENT).first()
    if campaign is None:
        return 0
    return invitations_send(campaign=campaign)  # only contacts not yet invited: a redelivery sends nothing twice


@shared_task(acks_late=True)
def surveys_daily_task() -> dict[str, int]:
    """Run by beat every day: remind non-respondents, then close campaigns past their date (with final alerts)."""
    return {"reminded": reminders_send(), "closed": campaigns_close()}
