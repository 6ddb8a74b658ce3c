"""The "Account plan" card of the account page, without touching the register's view."""

from __future__ import annotations

from django import template

from plans.models import IN_FORCE, IN_PREPARATION, AccountPlan

register = template.Library()


@register.inclusion_tag("plans/_account_card.html", takes_context=True)
def account_plan_card(context, account) -> dict:
    open_plans = AccountPlan.objects.filter(account=account).exclude(status="closed")
    plans = list(open_plans.only("pk", "title", "status", "starts_on", "ends_on", "account_id"))
    return {
        "account": account,
        # The running plan first; an approved one waiting for its start shows when none runs.
        "in_force": min((p for p in plans if p.status in IN_FORCE), key=lambda p: p.status != "active", default=None),
        "in_preparation": next((p for p in plans if p.status in IN_PREPARATION), None),
        "can_edit": context.get("can_edit", False),
    }


@register.inclusion_tag("plans/_account_reviews.html", takes_context=True)
def account_reviews_card(context, account) -> dict:
    """The account's review routine (cadence, last held, next due) and its recent reviews, in five queries."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Account
    from plans.models import SCHEDULED_TYPES, ReviewType
    from plans.reviews import FROM_ACCOUNT, account_cadences

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
                "soon": bool(due) and due <= today + timedelta(days=7),
            }
        )
    return {
        "account": account,
        "schedule": schedule,
        "overdue_count": sum(1 for row in schedule if row["overdue"]),
        "reviews": list(account.reviews.only("pk", "review_type", "held_on", "decisions", "account_id")[:5]),
        "can_edit": context.get("can_edit", False),
    }
