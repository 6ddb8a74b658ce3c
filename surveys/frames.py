"""Read survey data into the frames surveys.analytics works on: one query per frame, whatever the size."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from django.core.cache import cache
from django.db.models import Count, Max, Min, Q, Subquery, Sum

from accounts.models import Account
from surveys import analytics
from surveys.models import DEFAULT_MIN_ANSWERS, Answer, Campaign, CampaignStatus, Invitation, RoleWeight, SurveySettings


@dataclass
class Results:
    """Per (campaign, account) results with trend, the campaigns' order and the alerts."""

    trended: pd.DataFrame
    order: pd.Series
    alerts: pd.DataFrame

    def for_campaign(self, campaign_id: int) -> pd.DataFrame:
        if self.trended.empty or campaign_id not in self.trended.index.get_level_values("campaign_id"):
            return self.trended.iloc[0:0].droplevel("campaign_id")
        return self.trended.xs(campaign_id, level="campaign_id")

    def latest(self) -> pd.DataFrame:
        return analytics.latest_per_account(self.trended, self.order)


def role_weights() -> dict[str, float]:
    return {role: float(weight) for role, weight in RoleWeight.objects.values_list("buying_role", "weight")}


def answers_frame(*, account_ids: Iterable[int] | None = None) -> pd.DataFrame:
    rows = Answer.objects.filter(response__campaign__status__in=[CampaignStatus.SENT, CampaignStatus.CLOSED])
    if account_ids is not None:
        rows = rows.filter(response__account_id__in=list(account_ids))
    values = rows.order_by().values_list(
        "response__campaign_id",
        "response__account_id",
        "response_id",
        "response__buying_role",
        "question__kind",
        "question__dimension",
        "number",
    )
    frame = pd.DataFrame(list(values), columns=list(analytics.empty_answers().columns))
    if frame.empty:
        return analytics.empty_answers()
    frame["number"] = pd.to_numeric(frame.number, errors="coerce").astype(float)
    return frame


def invitations_frame(*, account_ids: Iterable[int] | None = None) -> pd.DataFrame:
    rows = Invitation.objects.filter(campaign__status__in=[CampaignStatus.SENT, CampaignStatus.CLOSED])
    if account_ids is not None:
        rows = rows.filter(account_id__in=list(account_ids))
    values = rows.order_by().values_list("campaign_id", "account_id", "buying_role", "responded_at")
    frame = pd.DataFrame(list(values), columns=["campaign_id", "account_id", "buying_role", "responded_at"])
    frame["responded"] = frame.responded_at.notna()
    return frame.drop(columns="responded_at")


RESULTS_CACHE_SECONDS = 300


def survey_results(*, account_ids: Iterable[int] | None = None) -> Results:
    """Results of every sent campaign for these accounts (all accounts when None).

    The pandas work costs tens of milliseconds whatever the size, so the result
    is cached under a stamp of what it depends on (invitations, answers,
    campaigns, weights), read in three small queries: a new answer, a closed
    campaign or a changed weight gives a new stamp, hence fresh figures.
    """
    ids = None if account_ids is None else sorted(set(account_ids))
    weights = role_weights()
    invitations = Invitation.objects.exclude(campaign__status=CampaignStatus.DRAFT)
    campaigns = Campaign.objects.exclude(status=CampaignStatus.DRAFT)
    if ids is not None:
        invitations = invitations.filter(account_id__in=ids)
        campaigns = campaigns.filter(accounts__in=ids)
    # The administrators' minimum of answers rides along the first query (no query of its own on every page).
    setting = Subquery(SurveySettings.objects.filter(pk=1).values("min_answers")[:1])
    counts = invitations.order_by().aggregate(
        n=Count("pk"), last=Max("pk"), answered=Count("responded_at"), min_answers=Max(setting)
    )
    min_answers = int(counts.pop("min_answers") or DEFAULT_MIN_ANSWERS)
    stamp = (
        tuple(counts.values()),
        tuple(
            campaigns.order_by()
            .aggregate(n=Count("pk", distinct=True), closed=Count("pk", distinct=True, filter=Q(status="closed")),
                       first=Min("closes_on"), last=Max("closes_on"), drops=Sum("alert_drop_points"))
            .values()
        ),
        tuple(sorted(weights.items())),
        min_answers,
    )  # fmt: skip
    key = "surveys:results:" + hashlib.sha256(repr((ids, stamp)).encode()).hexdigest()
    return cache.get_or_set(key, lambda: _compute_results(ids, weights, min_answers), RESULTS_CACHE_SECONDS)


def _compute_results(ids: list[int] | None, weights: dict[str, float], min_answers: int) -> Results:
    campaigns = Campaign.objects.exclude(status=CampaignStatus.DRAFT)
    if ids is not None:
        campaigns = campaigns.filter(accounts__in=ids).distinct()
    meta = pd.DataFrame(
        list(campaigns.order_by().values_list("pk", "closes_on", "alert_drop_points", "status")),
        columns=["campaign_id", "closes_on", "drop_points", "status"],
    ).set_index("campaign_id")
    invitations = invitations_frame(account_ids=ids)
    if invitations.empty:
        columns = [*analytics.KEYS, *analytics.RESULT_COLUMNS, "split", "needed"]
        empty = pd.DataFrame(columns=columns).set_index(analytics.KEYS)
        return Results(empty, meta.closes_on, pd.DataFrame(columns=[*analytics.KEYS, "kind", "value"]))
    results = analytics.account_results(answers_frame(account_ids=ids), invitations, weights, min_answers=min_answers)
    order = pd.to_datetime(meta.closes_on)
    trended = analytics.with_trend(results, order)
    closed = set(meta.index[meta.status == CampaignStatus.CLOSED])
    return Results(trended, order, analytics.alerts(trended, meta.drop_points, closed=closed))


def accounts_frame(account_ids: Iterable[int]) -> pd.DataFrame:
    rows = Account.objects.filter(pk__in=list(account_ids)).order_by().values_list("pk", "name", "segment", "tier")
    return pd.DataFrame(list(rows), columns=["account_id", "name", "segment", "tier"]).set_index("account_id")


def satisfaction_index_source(frame: pd.DataFrame) -> pd.Series:
    """The scoring source: each account's overall index in its latest campaign with ratings."""
    results = survey_results()
    if results.trended.empty:
        return pd.Series(index=frame.index, dtype=float)
    return results.latest().overall.astype(float).reindex(frame.index)
