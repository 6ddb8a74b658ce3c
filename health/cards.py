"""Health on the account page ("why this health"), and the open risks for the plan PDF's internal version.

The card reads a fixed number of queries whatever the account holds (health.frames does one read per source).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pandas as pd
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.coverage import silence_days
from accounts.models import Account
from health.analytics import SIGNALS
from health.charts import health_trend
from health.frames import health_weights, history_frame, incident_window_days, portfolio_health_now, week_of
from health.models import HealthSnapshot, PlaybookAction, PlaybookActionStatus, Risk, Signal

TREND_WEEKS = 26


@dataclass(frozen=True)
class Line:
    signal: str
    label: str
    detail: str
    score: float | None
    weight: float
    share: float | None  # of the weight the known signals carry, in %
    points: float | None

    @property
    def missing(self) -> bool:
        return self.score is None


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _detail(signal: str, row: pd.Series) -> str:
    """What the figure rests on, or why it is missing, in words."""
    if signal == "satisfaction":
        if pd.isna(row.satisfaction_index):
            return _("No survey answered yet.")
        return _("Overall index %(value)s / 100 in the latest survey.") % {"value": round(row.satisfaction_index)}
    if signal == "satisfaction_trend":
        if pd.isna(row.satisfaction_change):
            return _("Needs two surveys to compare.")
        return _("%(change)+.1f points since the previous survey.") % {"change": row.satisfaction_change}
    if signal == "coverage":
        return _("Relationship coverage %(value)s / 100 on the decision-maker map.") % {
            "value": round(row.coverage_score)
        }
    if signal == "silence":
        if not row.key_people:
            return _("No decision maker or champion on the map.")
        if pd.isna(row.days_since_key_contact):
            return _("No interaction ever logged with a decision maker or champion.")
        return _(
            "Last interaction with a decision maker or champion %(days)s days ago (full marks within %(limit)s)."
        ) % {
            "days": int(row.days_since_key_contact),
            "limit": silence_days(),
        }
    if signal == "revenue_vs_plan":
        if pd.isna(row.revenue_target) or not row.revenue_target:
            return _("No revenue checkpoint recorded in a plan in force.")
        return _("Actual %(actual)s against a target of %(target)s at the latest checkpoints.") % {
            "actual": f"{row.revenue_actual:,.0f}",
            "target": f"{row.revenue_target:,.0f}",
        }
    if signal == "overdue_reviews":
        if pd.isna(row.reviews_scheduled) or not row.reviews_scheduled:
            return _("No review cadence applies to this account.")
        return _("%(overdue)s of %(scheduled)s review types overdue.") % {
            "overdue": int(row.reviews_overdue or 0),
            "scheduled": int(row.reviews_scheduled),
        }
    if signal == "overdue_actions":
        if not row.actions_total:
            return _("No plan or review action yet.")
        return _("%(overdue)s overdue of %(total)s plan and review actions.") % {
            "overdue": int(row.actions_overdue),
            "total": int(row.actions_total),
        }
    if signal == "incidents":
        if not row.interactions_total:
            return _("No interaction logged yet.")
        return _("%(incidents)s incidents and %(payments)s payment issues in the last %(days)s days.") % {
            "incidents": int(row.incidents_logged),
            "payments": int(row.payment_issues),
            "days": incident_window_days(),
        }
    return _("%(count)s open risks, total exposure %(exposure)s (likelihood × impact).") % {
        "count": int(row.risks_open),
        "exposure": int(row.risk_exposure),
    }


def explain(row: pd.Series, weights: dict[str, float]) -> list[Line]:
    known_weight = sum(weights.get(s, 0) for s in SIGNALS if weights.get(s, 0) > 0 and not pd.isna(row[s]))
    lines = []
    for signal in SIGNALS:
        weight = float(weights.get(signal, 0))
        score = _num(row[signal])
        share = weight / known_weight * 100 if score is not None and known_weight and weight > 0 else None
        lines.append(
            Line(
                signal=signal,
                label=str(Signal(signal).label),
                detail=_detail(signal, row),
                score=None if score is None else round(score, 1),
                weight=weight,
                share=None if share is None else round(share, 1),
                points=None if _num(row[f"points_{signal}"]) is None else round(float(row[f"points_{signal}"]), 1),
            )
        )
    return lines


def health_card(request: HttpRequest, account: Account, can_edit: bool) -> dict[str, Any]:
    """The account page's card: a shell that loads health_card_context's fragment.

    One query: with a weekly history the fragment draws a trend, so the page loads plotly for it (uses_charts)."""
    has_history = HealthSnapshot.objects.filter(account_id=account.pk).exists()
    return {"account": account, "uses_charts": has_history}


def health_card_context(*, account: Account, can_edit: bool) -> dict[str, Any]:
    """Everything the health card shows, in a fixed number of queries."""
    today = timezone.localdate()
    weights = health_weights()
    row = portfolio_health_now(account_ids=[account.pk], today=today, weights=weights).loc[account.pk]
    history = history_frame(account_ids=[account.pk], since=week_of(today) - timedelta(weeks=TREND_WEEKS))
    history = history.sort_values("week")
    weeks, scores = list(history.week), [_num(s) for s in history.score]
    if not weeks or weeks[-1] != week_of(today):
        weeks.append(week_of(today))
        scores.append(_num(row.health))
    lines = explain(row, weights)
    risks = list(Risk.objects.filter(account=account).open().select_related("owner").order_by("-raised_on", "-pk")[:10])
    actions = list(
        PlaybookAction.objects.filter(account=account, status=PlaybookActionStatus.OPEN)
        .select_related("owner", "firing__playbook")
        .order_by("due_on", "pk")[:10]
    )
    return {
        "account": account,
        "health": _num(row.health),
        "known_weight": round(float(row.known_weight) * 100),
        "lines": lines,
        "missing": [line for line in lines if line.missing and line.weight > 0],
        "chart": health_trend(weeks, scores) if len(weeks) > 1 else None,
        "risks": risks,
        "playbook_actions": actions,
        "can_edit": can_edit,
        "today": today,
    }


def plan_pdf_risks(*, plan) -> dict[str, Any] | None:
    """The account's open risks for the plan PDF's internal version; nothing when there are none."""
    risks = list(
        Risk.objects.filter(account_id=plan.account_id)
        .open()
        .select_related("owner")
        .prefetch_related("mitigation_actions")
    )
    return {"risks": risks} if risks else None
