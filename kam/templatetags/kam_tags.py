"""Small presentation filters shared by all templates."""

from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> int:
    """A duration in whole minutes (at least 1)."""
    if not value:
        return 0
    return max(1, round(value.total_seconds() / 60))
