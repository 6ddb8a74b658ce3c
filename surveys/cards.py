"""Surveys' card on the account page: the latest satisfaction result and the open improvement actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.cards import Todo
from accounts.models import Account
from kam.models import name_fields
from surveys.frames import survey_results
from surveys.models import OPEN_STATUSES, ImprovementAction
from surveys.reports import result_row


def satisfaction_card(request: HttpRequest, account: Account, can_edit: bool) -> dict[str, Any]:
    results = survey_results(account_ids=[account.pk])
    row = None
    if not results.trended.empty:
        latest = results.latest()
        if account.pk in latest.index:
            row = result_row(latest.loc[account.pk]) | {"account_id": account.pk}
        else:  # answers, but fewer than the minimum in every campaign: say so rather than "nothing yet"
            answered = results.trended[results.trended.responded.astype(float) > 0].reset_index()
            answered = answered[answered.account_id == account.pk]
            if len(answered):
                row = result_row(answered.iloc[-1]) | {"account_id": account.pk}
    open_actions = ImprovementAction.objects.filter(account=account, status__in=OPEN_STATUSES).count()
    return {"account": account, "row": row, "open_actions": open_actions}


def improvement_todos(request: HttpRequest, account: Account, can_edit: bool) -> list[Todo]:
    """Open improvement actions of this account overdue or due within a week."""
    today = timezone.localdate()
    actions = (
        ImprovementAction.objects.filter(account=account, status__in=OPEN_STATUSES, due_on__lte=today + timedelta(7))
        .select_related("owner")
        .only("title", "due_on", *name_fields("owner"))
        .order_by("due_on", "pk")[:5]
    )
    url = reverse("surveys:quarterly_summary", args=[account.pk])
    return [
        Todo(
            gettext("%(action)s (%(owner)s, survey)") % {"action": a.title, "owner": a.owner},
            url,
            a.due_on,
            a.due_on < today,
        )
        for a in actions
    ]
