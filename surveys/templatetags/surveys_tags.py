"""The "Satisfaction" card of the account page, without touching the register's view."""

from __future__ import annotations

from django import template

from surveys.frames import survey_results
from surveys.models import OPEN_STATUSES, ImprovementAction
from surveys.reports import result_row

register = template.Library()


@register.inclusion_tag("surveys/_account_card.html")
def account_survey_card(account) -> dict:
    results = survey_results(account_ids=[account.pk])
    row = None
    if not results.trended.empty:
        latest = results.latest()
        if account.pk in latest.index:
            row = result_row(latest.loc[account.pk]) | {"account_id": account.pk}
    open_actions = ImprovementAction.objects.filter(account=account, status__in=OPEN_STATUSES).count()
    return {"account": account, "row": row, "open_actions": open_actions}
