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
        "in_force": next((p for p in plans if p.status in IN_FORCE), None),
        "in_preparation": next((p for p in plans if p.status in IN_PREPARATION), None),
        "can_edit": context.get("can_edit", False),
    }
