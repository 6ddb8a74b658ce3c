"""Who may do what with surveys: every campaign, response and improvement action a view touches goes through these."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accounts.models import Account
from kam.roles import Role
from surveys.models import Campaign, ImprovementAction, Response


def get_campaign_for_user(request: HttpRequest, pk: int) -> Campaign:
    """A campaign the user may read, or 404."""
    return get_object_or_404(Campaign.objects.visible_to(request.user).select_related("template", "created_by"), pk=pk)


def can_edit_campaign(user, campaign: Campaign) -> bool:
    return Campaign.objects.editable_by(user).filter(pk=campaign.pk).exists()


def get_editable_campaign(request: HttpRequest, pk: int) -> Campaign:
    campaign = get_campaign_for_user(request, pk)
    if not can_edit_campaign(request.user, campaign):
        raise PermissionDenied
    return campaign


def require_reader(user) -> None:
    """Pages over the whole portfolio: any role reads them; a user without a role gets 404."""
    if not user.has_any_role():
        raise Http404


def can_create_campaigns(user) -> bool:
    return user.has_any_role(Role.ADMINISTRATOR, Role.KEY_ACCOUNT_MANAGER)


def get_response_for_user(request: HttpRequest, pk: int) -> Response:
    """A response about an account the user may read, or 404."""
    responses = Response.objects.filter(account__in=Account.objects.visible_to(request.user))
    return get_object_or_404(responses.select_related("account", "contact", "campaign"), pk=pk)


def get_editable_action(request: HttpRequest, pk: int) -> ImprovementAction:
    action = get_object_or_404(ImprovementAction.objects.visible_to(request.user).select_related("account"), pk=pk)
    if not ImprovementAction.objects.editable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return action
