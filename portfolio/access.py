"""Who may see the cross-app pages: the worklist is anyone's own; the dashboard needs a role."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from kam.models import User


def require_reader(request: HttpRequest) -> None:
    """The dashboard sums the register, which every role reads; a user without a role is refused (403)."""
    if not (isinstance(request.user, User) and request.user.has_any_role()):
        raise PermissionDenied
