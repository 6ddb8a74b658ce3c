"""Who may do what in the register: every view, and every app's view of an account, goes through these.

Built on Account.objects.visible_to / editable_by, the one rule for reading and changing an account.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from accounts.models import Account, AccountQuerySet, Contact
from kam.roles import Role


def _readable_accounts(request: HttpRequest) -> AccountQuerySet:
    return Account.objects.visible_to(request.user).select_related(
        "parent", "owner", "service_manager", "executive_sponsor"
    )


def get_account_for_user(request: HttpRequest, pk: int) -> Account:
    """An account the user may read, or 404 (an outsider learns nothing about it)."""
    return get_object_or_404(_readable_accounts(request), pk=pk)


def get_account_and_edit_right(
    request: HttpRequest, pk: int, *, accounts: AccountQuerySet | None = None
) -> tuple[Account, bool]:
    """get_account_for_user and can_edit_account in one query, for pages that show both.

    `accounts` lets the page choose what it reads (columns, relations, annotations); who may
    read and who may edit are decided here, by visible_to and editable_by, whatever is passed.
    """
    editable = Account.objects.editable_by(request.user).filter(pk=OuterRef("pk"))
    accounts = _readable_accounts(request) if accounts is None else accounts.visible_to(request.user)
    account = get_object_or_404(accounts.annotate(user_may_edit=Exists(editable)), pk=pk)
    return account, account.user_may_edit


def can_edit_account(user, account: Account) -> bool:
    """May this user change the account (and what hangs on it: map, plans, reviews, improvement actions)?"""
    return Account.objects.editable_by(user).filter(pk=account.pk).exists()


def get_editable_account(request: HttpRequest, pk: int) -> Account:
    """An account the user may change: 404 if they cannot read it, 403 if they can only read it."""
    account = get_account_for_user(request, pk)
    if not can_edit_account(request.user, account):
        raise PermissionDenied
    return account


def get_editable_contact(request: HttpRequest, pk: int, contact_pk: int) -> tuple[Account, Contact]:
    """A contact of an account the user may change (same answers as get_editable_account), or 404."""
    account = get_editable_account(request, pk)
    return account, get_object_or_404(Contact.objects.filter(account=account), pk=contact_pk)


def can_create_accounts(user) -> bool:
    return user.has_any_role(Role.ADMINISTRATOR, Role.KEY_ACCOUNT_MANAGER)


def can_log_interactions(user) -> bool:
    """Every role logs interactions (a contributor's call counts as much as a manager's)."""
    return user.has_any_role()
