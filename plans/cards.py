"""Plans' cards on the account page: the account plan, and the review routine with recent reviews."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Account
from plans.models import IN_FORCE, IN_PREPARATION, SCHEDULED_TYPES, AccountPlan, ReviewType
from plans.reviews import FROM_ACCOUNT, account_cadences


def plan_card(request: HttpRequest, account: Account, can_edit: bool) -> dict[str, Any]:
    open_plans = AccountPlan.objects.filter(account=account).exclude(status="closed")
    plans = list(open_plans.only("pk", "title", "status", "starts_on", "ends_on", "account_id"))
    return {
        "account": account,
        # The running plan first; an approved one waiting for its start shows when none runs.
        "in_force": min((p for p in plans if p.status in IN_FORCE), key=lambda p: p.status != "active", default=None),
        "in_preparation": next((p for p in plans if p.status in IN_PREPARATION), None),
        "can_edit": can_edit,
    }


def reviews_card(request: HttpRequest, account: Account, can_edit: bool) -> dict[str, Any]:
    """The account's review routine (cadence, last held, next due) and its recent reviews, in five queries."""
    today = timezone.localdate()
    cadences = account_cadences(accounts=Account.objects.filter(pk=account.pk), include_off=True)
    cadences.sort(key=lambda c: SCHEDULED_TYPES.index(c.review_type))
    schedule = []
    for cadence in cadences:
        due = cadence.due_on
        schedule.append(
            {
                "type": cadence.review_type,
                "label": ReviewType(cadence.review_type).label,
                "every": cadence.every_months,
                "own": cadence.source == FROM_ACCOUNT,
                "last": cadence.last_held_on,
                "due": due,
                "overdue": max(0, (today - due).days) if due else 0,
                "soon": due is not None and due <= today + timedelta(days=7),
            }
        )
    return {
        "account": account,
        "schedule": schedule,
        "overdue_count": sum(1 for row in schedule if row["overdue"]),
        "reviews": list(account.reviews.only("pk", "review_type", "held_on", "decisions", "account_id")[:5]),
        "can_edit": can_edit,
    }
