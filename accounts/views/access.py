"""The one access path of the register's views: every object goes through these."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from accounts.models import Account


def get_account_for_user(request: HttpRequest, pk: int) -> Account:
    """An account the user may read, or 404 (an outsider learns nothing about it)."""
    return get_object_or_404(
        Account.objects.visible_to(request.user).select_related(
            "parent", "owner", "service_manager", "executive_sponsor"
        ),
        pk=pk,
    )


def get_editable_account(request: HttpRequest, pk: int) -> Account:
    """An account the user may change: 404 if they cannot read it, 403 if they can only read it."""
    account = get_account_for_user(request, pk)
    if not Account.objects.editable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return account


def can_create_accounts(user) -> bool:
    return user.is_administrator or user.is_key_account_manager


def can_log_interactions(user) -> bool:
    return user.has_perm("accounts.add_interaction")
