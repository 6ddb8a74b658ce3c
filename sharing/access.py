"""Who may see and change which shared plans: readers of the plan see its sharing, its editors change it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from plans.access import can_edit_plan, get_plan_for_user
from plans.models import AccountPlan
from sharing.models import ActionProposal, ShareInvitation


def get_plan_for_sharing(request: HttpRequest, pk: int) -> AccountPlan:
    """The plan whose sharing the user may read, or 404."""
    return get_plan_for_user(request, pk)


def can_manage_sharing(user, plan: AccountPlan) -> bool:
    return can_edit_plan(user, plan) and not plan.is_closed


def get_plan_for_sharing_editor(request: HttpRequest, pk: int) -> AccountPlan:
    plan = get_plan_for_sharing(request, pk)
    if not can_manage_sharing(request.user, plan):
        raise PermissionDenied
    return plan


def get_editable_invitation(request: HttpRequest, pk: int) -> ShareInvitation:
    """An invitation the user may re-send or revoke: 404 if they cannot read its plan, 403 if they only read it."""
    invitation = get_object_or_404(
        ShareInvitation.objects.visible_to(request.user).select_related("share__plan__account", "contact"), pk=pk
    )
    if not can_manage_sharing(request.user, invitation.share.plan):
        raise PermissionDenied
    return invitation


def get_decidable_proposal(request: HttpRequest, pk: int) -> ActionProposal:
    proposal = get_object_or_404(
        ActionProposal.objects.filter(share__plan__in=AccountPlan.objects.visible_to(request.user)).select_related(
            "share__plan__account"
        ),
        pk=pk,
    )
    if not can_manage_sharing(request.user, proposal.share.plan):
        raise PermissionDenied
    return proposal
