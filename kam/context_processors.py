from __future__ import annotations

from django.http import HttpRequest

from kam.models import Notification
from kam.navigation import navigation_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {
        "nav_items": navigation_for(user, request.path),
        # Lazy: counted only when a template shows it.
        "unread_notifications": lambda: Notification.objects.filter(user=user, read_at=None).count(),
    }
