"""Numbers as people read them: grouped and with a decimal mark in the reader's language, with their unit."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format


def money(value: Decimal | float | int | None, currency: str | None = None, *, digits: int = 0) -> str:
    """'5,206,611 EUR' in English, '5 206 611 EUR' in French; '—' for a missing amount.

    A no-break space keeps the unit on the line of its number.
    """
    if value is None or value == "":
        return "—"
    unit = settings.KAM_CURRENCY if currency is None else currency
    text = number_format(value, decimal_pos=digits, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0{unit}" if unit else text
