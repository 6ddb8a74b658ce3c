"""Who may see and change the whitespace map: the account's own rules (accounts.access), cell by cell."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from accounts.access import can_edit_account, get_account_for_user
from accounts.models import Account, ProductLine


def get_cell_for_user(
    request: HttpRequest, pk: int, row_pk: int, line_pk: int, *, edit: bool = False
) -> tuple[Account, Account, ProductLine]:
    """The map's account, the row's account (itself or a direct subsidiary) and the line of one cell.

    404 when the user may not read the account or the cell is not on its map; with edit, 403 when the user
    may read but not change the row's account (the mark and the potential belong to it).
    """
    account = get_account_for_user(request, pk)
    rows = Account.objects.visible_to(request.user).filter(Q(pk=account.pk) | Q(parent_id=account.pk))
    row = account if row_pk == account.pk else get_object_or_404(rows, pk=row_pk)
    line = get_object_or_404(ProductLine.objects.current(), pk=line_pk)
    if edit and not can_edit_account(request.user, row):
        raise PermissionDenied
    return account, row, line


def can_edit_peer_settings(user) -> bool:
    return user.is_authenticated and user.is_administrator
