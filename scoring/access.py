"""Who may do what in scoring: every run and override a view touches goes through these."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from accounts.models import Account
from kam.models import User
from kam.roles import Role
from scoring.models import KeyOverride, SegmentationRun


def require_reader(request: HttpRequest) -> None:
    """Runs and overrides are read by every role; a user without one is refused (403)."""
    if not (isinstance(request.user, User) and request.user.has_any_role()):
        raise PermissionDenied


def can_edit_model(user) -> bool:
    """The scoring model (criteria, weights, thresholds) and running a segmentation: administrators only."""
    return user.is_administrator


def can_rate(user) -> bool:
    """Manual ratings: administrators, and key account managers on the accounts they may edit."""
    return user.has_any_role(Role.ADMINISTRATOR, Role.KEY_ACCOUNT_MANAGER)


def get_run_for_user(request: HttpRequest, pk: int) -> SegmentationRun:
    """A run, for a user with a role (403 without one), or 404."""
    require_reader(request)
    return get_object_or_404(SegmentationRun.objects.all(), pk=pk)


def get_decidable_override(request: HttpRequest, pk: int) -> KeyOverride:
    """An override this user may approve or refuse: 404 if they cannot read its account, 403 otherwise."""
    visible = KeyOverride.objects.filter(account__in=Account.objects.visible_to(request.user))
    override = get_object_or_404(visible.select_related("account"), pk=pk)
    if not KeyOverride.objects.decidable_by(request.user).filter(pk=override.pk).exists():
        raise PermissionDenied
    return override


def get_withdrawable_override(request: HttpRequest, pk: int) -> KeyOverride:
    """The user's own proposal: 404 if they cannot read its account, 403 if someone else proposed it."""
    visible = KeyOverride.objects.filter(account__in=Account.objects.visible_to(request.user))
    override = get_object_or_404(visible, pk=pk)
    if override.proposed_by_id != request.user.pk:
        raise PermissionDenied
    return override
