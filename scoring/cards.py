"""Scoring's card on the account page: why this score, and what decides the key status."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.models import Account
from scoring.explanations import latest_explanation


def score_card(request: HttpRequest, account: Account, can_edit: bool) -> dict[str, Any] | None:
    """The latest finished run's explanation; no card for an account no run has scored."""
    explanation = latest_explanation(account)
    if explanation is None:
        return None
    return {"account": account, "explanation": explanation, "can_edit": can_edit}
