"""What a token may do before any object rule: have a role, and write only with a read-and-write token."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions
from rest_framework.request import Request

from api.models import ApiToken


class TokenScopePermission(permissions.BasePermission):
    message = _("This token is read only: create a read-and-write token to change data.")

    def has_permission(self, request: Request, view) -> bool:
        if not isinstance(request.auth, ApiToken):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return request.auth.can_write
