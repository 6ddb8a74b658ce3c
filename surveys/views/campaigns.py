"""Campaigns: the list, creation with its per-account preview, sending, and each campaign's results."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from surveys.access import can_create_campaigns, can_edit_campaign, get_campaign_for_user, get_editable_campaign
from surveys.forms import CampaignForm
from surveys.frames import survey_results
from surveys.models import Campaign, CampaignStatus, Invitation
from surveys.reports import alert_rows, campaign_rows
from surveys.services import (
    SurveyRefused,
    campaign_create,
    campaign_preview,
    campaign_send,
    campaign_send_state,
    campaign_targets,
)

QUEUED_MESSAGE = gettext_lazy(
    "Campaign queued: the invitations will be sent when the mail service is back. Nothing else to do."
)


def _count_per_campaign(rows: QuerySet) -> Coalesce:
    """A correlated COUNT of `rows` for each campaign: no join multiplies another count."""
    counted = rows.filter(campaign_id=OuterRef("pk")).order_by().values("campaign_id").annotate(n=Count("*"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), Value(0))


def campaign_list(request: HttpRequest) -> HttpResponse:
    invitations = Invitation.objects.all()
    campaigns = Campaign.objects.visible_to(request.user).annotate(
        account_count=_count_per_campaign(Campaign.accounts.through.objects.all()),
        invited=_count_per_campaign(invitations.filter(sent_at__isnull=False)),  # mailed, not merely planned
        answered=_count_per_campaign(invitations.filter(responded_at__isnull=False)),
    )
    page = Paginator(campaigns.order_by("-closes_on", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request, "surveys/campaign_list.html", {"page": page, "can_create": can_create_campaigns(request.user)}
    )


def campaign_new(request: HttpRequest) -> HttpResponse:
    if not can_create_campaigns(request.user):
        raise PermissionDenied
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        targets = campaign_targets(
            by=request.user, segment=data["segment"], tier=data["tier"], key_only=data["key_only"],
            owner=data["owner"], accounts=data["accounts"],
        )  # fmt: skip
        try:
            campaign = campaign_create(
                by=request.user, template=data["template"], name=data["name"], closes_on=data["closes_on"],
                accounts=targets, buying_roles=data["buying_roles"], reminder_after_days=data["reminder_after_days"],
            )  # fmt: skip
        except SurveyRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Campaign drafted: check who will be asked, then send it."))
            return redirect(campaign)
    return render(request, "surveys/campaign_form.html", {"form": form})


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, pk)
    context = {"campaign": campaign, "can_edit": can_edit_campaign(request.user, campaign)}
    if campaign.status == CampaignStatus.DRAFT:
        context["previews"] = campaign_preview(campaign=campaign)
        return render(request, "surveys/campaign_draft.html", context)
    names = dict(campaign.accounts.values_list("pk", "name"))
    results = survey_results(account_ids=names)
    alerts = results.alerts[results.alerts.campaign_id == campaign.pk]
    context |= {
        "rows": campaign_rows(results.for_campaign(campaign.pk), names),
        "alerts": alert_rows(alerts, names),
        "send_state": campaign_send_state(campaign=campaign) if campaign.invitations_pending else "sent",
    }
    return render(request, "surveys/campaign_results.html", context)


@require_POST
def campaign_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_editable_campaign(request, pk)
    try:
        campaign = campaign_send(campaign=campaign, by=request.user)
    except SurveyRefused as refused:
        messages.error(request, refused.message)
        return redirect(campaign)
    state = campaign_send_state(campaign=campaign)
    if state == "sent":
        messages.success(request, _("Campaign sent: each contact receives a personal link in their language."))
    elif state == "queued":
        messages.warning(request, QUEUED_MESSAGE)
    else:
        messages.info(request, _("Campaign open: the invitations are being sent, each with a personal link."))
    return redirect(campaign)
