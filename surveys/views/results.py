"""Results: one account in one campaign (figures, respondents, verbatims) and the whole portfolio."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import can_edit_account, get_account_for_user
from surveys import analytics
from surveys.access import get_campaign_for_user, require_reader
from surveys.charts import dimension_chart
from surveys.frames import accounts_frame, survey_results
from surveys.models import Campaign, QuestionKind, Response, SurveySettings
from surveys.reports import SPLIT_LABELS, alert_rows, result_row, summary_rows


def _respondents(campaign: Campaign, account_id: int) -> list[Response]:
    return list(
        Response.objects.filter(campaign=campaign, account_id=account_id)
        .select_related("contact")
        .prefetch_related("answers__question", "actions")
        .order_by("contact__name")
    )


def account_results(request: HttpRequest, pk: int, account_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, pk)
    account = get_account_for_user(request, account_pk)
    if not campaign.accounts.filter(pk=account.pk).exists():
        raise Http404
    results = survey_results(account_ids=[account.pk])
    frame = results.for_campaign(campaign.pk)
    row = result_row(frame.loc[account.pk]) if account.pk in frame.index else None
    previous = (
        Campaign.objects.filter(pk=row["previous_campaign_id"]).first() if row and row["previous_campaign_id"] else None
    )
    alerts = results.alerts[results.alerts.campaign_id == campaign.pk]
    context = {
        "campaign": campaign,
        "account": account,
        "row": row,
        "previous": previous,
        "chart": dimension_chart(row, previous_row=_previous_row(results, row, account.pk)) if row else None,
        "alerts": alert_rows(alerts, {account.pk: account.name}),
        "respondents": _respondents(campaign, account.pk),
        "can_act": can_edit_account(request.user, account),
        "TEXT": QuestionKind.TEXT,
    }
    return render(request, "surveys/account_results.html", context)


def _previous_row(results, row: dict, account_id: int) -> dict | None:
    if not row or not row.get("previous_campaign_id"):
        return None
    frame = results.for_campaign(int(row["previous_campaign_id"]))
    return result_row(frame.loc[account_id]) if account_id in frame.index else None


def portfolio(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    results = survey_results()
    latest = results.latest() if not results.trended.empty else None
    context = {"has_results": latest is not None and not latest.empty, "too_few": _too_few(results, latest)}
    context["min_answers"] = SurveySettings.min_answers_now()
    if context["has_results"]:
        accounts = accounts_frame(latest.index)
        names = accounts.name.to_dict()
        drops = analytics.ranked_by_drop(latest)
        campaigns = dict(
            Campaign.objects.filter(pk__in=results.alerts.campaign_id.unique().tolist()).values_list("pk", "name")
        )
        latest_alerts = results.alerts.merge(latest.reset_index()[["account_id", "campaign_id"]])
        context |= {
            "segments": summary_rows(analytics.portfolio_summary(latest, accounts, "segment"), "segment"),
            "tiers": summary_rows(analytics.portfolio_summary(latest, accounts, "tier"), "tier"),
            "drops": [result_row(r) | {"account_id": i, "name": names.get(i, "")} for i, r in drops.iterrows()],
            "split_counts": [
                (label, context["too_few"] if key == "too_few" else int((latest.split == key).sum()))
                for key, label in SPLIT_LABELS.items()
            ],
            "alerts": alert_rows(latest_alerts, names, campaigns),
            "accounts_measured": len(latest),
        }
    return render(request, "surveys/portfolio.html", context)


def _too_few(results, latest) -> int:
    """Accounts that answered, but never enough in one campaign to show figures."""
    if results.trended.empty:
        return 0
    answered = results.trended[results.trended.responded.astype(float) > 0].index.get_level_values("account_id")
    measured = set() if latest is None else set(latest.index)
    return len(set(answered) - measured)
