"""Helpers for posting Django formsets in tests."""

from __future__ import annotations


def management_form(prefix: str, *, total: int, initial: int) -> dict[str, str]:
    """The hidden fields every formset POST carries."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
