"""Who may do what with risks and playbook actions: every view goes through these (built on the account's rules)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from health.models import PlaybookAction, Risk


def get_risk_for_user(request: HttpRequest, pk: int) -> Risk:
    """A risk of an account the user reads, or 404."""
    return get_object_or_404(Risk.objects.visible_to(request.user).select_related("account", "owner"), pk=pk)


def can_edit_risk(user, risk: Risk) -> bool:
    return Risk.objects.editable_by(user).filter(pk=risk.pk).exists()


def get_editable_risk(request: HttpRequest, pk: int) -> Risk:
    """404 for an outsider, 403 for a reader who neither runs the account nor owns the risk."""
    risk = get_risk_for_user(request, pk)
    if not can_edit_risk(request.user, risk):
        raise PermissionDenied
    return risk


def get_editable_playbook_action(request: HttpRequest, pk: int) -> PlaybookAction:
    action = get_object_or_404(PlaybookAction.objects.visible_to(request.user), pk=pk)
    if not PlaybookAction.objects.editable_by(request.user).filter(pk=action.pk).exists():
        raise PermissionDenied
    return action
