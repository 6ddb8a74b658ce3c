"""Ids typed or posted by a user, read without trusting them."""

from __future__ import annotations

# The largest key a 64-bit integer column holds (PostgreSQL bigint, SQLite INTEGER): beyond it the database errs.
MAX_ID = 2**63 - 1


def parse_id(value: object) -> int | None:
    """A positive whole number of ASCII digits the database can hold, or None.

    str.isdigit() accepts "²" and "١٢٣", which int() refuses or the database cannot store; 40 digits overflow.
    """
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None
