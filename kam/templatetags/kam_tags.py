"""Small presentation filters shared by all templates."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import template

from kam.numbers import money

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> int:
    """A duration in whole minutes (at least 1)."""
    if not value:
        return 0
    return max(1, round(value.total_seconds() / 60))


@register.filter(name="money")
def money_filter(value: Decimal | float | int | None, currency: str | None = None) -> str:
    """An amount grouped in the reader's language with its currency: {{ amount|money:currency }}."""
    return money(value, currency or None)
