"""Read health's raw signals from the database: a fixed number of queries for one account or a whole portfolio."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import numpy as np
import pandas as pd
from django.conf import settings
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.coverage import coverage_flags, silence_days
from accounts.models import Account, Attitude, BuyingRole, Contact, Interaction, InteractionKind
from health import analytics
from health.models import HealthSnapshot, HealthWeight, Risk
from plans.models import IN_FORCE, Action, ActionStatus, Checkpoint, Metric
from plans.reviews import account_cadences
from surveys.frames import survey_results

OPEN_ACTIONS = (ActionStatus.TODO, ActionStatus.IN_PROGRESS)


def incident_window_days() -> int:
    return settings.HEALTH_INCIDENT_DAYS


def week_of(day: date) -> date:
    """The Monday that names the week of `day`."""
    return day - timedelta(days=day.weekday())


def health_weights() -> dict[str, float]:
    """The administrators' weights; the defaults until they have saved any."""
    saved = dict(HealthWeight.objects.values_list("signal", "weight"))
    return {signal: float(saved.get(signal, default)) for signal, default in analytics.DEFAULT_WEIGHTS.items()}


def _scoped(queryset, field: str, ids: Iterable[int] | None):
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def _by_account(rows: Iterable[tuple], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["account_id", *columns]).set_index("account_id")


def _contacts(ids: list[int] | None, accounts: pd.DataFrame, today: date) -> pd.DataFrame:
    """Coverage figure, and contact with decision makers and champions, per account."""
    contacts = pd.DataFrame(
        list(
            _scoped(Contact.objects.order_by(), "account_id", ids).values_list(
                "pk", "account_id", "buying_role", "attitude", "covered_by_id", "is_active"
            )
        ),
        columns=["contact_id", "account_id", "buying_role", "attitude", "covered_by", "is_active"],
    )
    last = dict(
        _scoped(Interaction.objects.filter(contact__isnull=False).order_by(), "account_id", ids)
        .values("contact_id")
        .annotate(last=Max("occurred_on"))
        .values_list("contact_id", "last")
    )
    contacts["covered"] = contacts.covered_by.notna()
    contacts["last_interaction"] = pd.to_datetime(contacts.contact_id.map(last))
    flags = coverage_flags(contacts, accounts, today=today, silence=silence_days())
    key = contacts[
        contacts.is_active.astype(bool)
        & (
            (contacts.buying_role == BuyingRole.DECISION_MAKER)
            | (contacts.buying_role == BuyingRole.CHAMPION)
            | (contacts.attitude == Attitude.CHAMPION)
        )
    ]
    grouped = key.groupby("account_id")
    out = pd.DataFrame(index=accounts.index)
    out["coverage_score"] = flags.score
    out["key_people"] = grouped.size().reindex(accounts.index).fillna(0)
    latest = grouped.last_interaction.max().reindex(accounts.index)
    out["days_since_key_contact"] = (pd.Timestamp(today) - latest).dt.days.astype(float)
    return out


def _satisfaction(ids: list[int] | None) -> pd.DataFrame:
    results = survey_results(account_ids=ids)
    trended = results.trended
    if trended.empty:
        return pd.DataFrame(columns=["satisfaction_index", "satisfaction_change"], dtype=float)
    frame = trended[trended.overall.notna()].reset_index()[["campaign_id", "account_id", "overall"]]
    frame["order"] = frame.campaign_id.map(results.order)
    frame = frame.sort_values(["account_id", "order", "campaign_id"])
    grouped = frame.groupby("account_id").overall
    latest = grouped.last().astype(float)
    previous = grouped.nth(-2)
    previous = pd.Series(previous.to_numpy(dtype=float), index=frame.loc[previous.index, "account_id"])
    return pd.DataFrame({"satisfaction_index": latest, "satisfaction_change": latest - previous.reindex(latest.index)})


def _revenue(ids: list[int] | None) -> pd.DataFrame:
    """Per revenue objective of a plan in force, its latest recorded checkpoint; summed per account."""
    rows = _scoped(
        Checkpoint.objects.filter(
            actual__isnull=False, objective__metric=Metric.REVENUE, objective__plan__status__in=IN_FORCE
        ).order_by(),
        "objective__plan__account_id",
        ids,
    ).values_list("objective__plan__account_id", "objective_id", "due_on", "actual", "target")
    frame = pd.DataFrame(list(rows), columns=["account_id", "objective_id", "due_on", "actual", "target"])
    if frame.empty:
        return pd.DataFrame(columns=["revenue_actual", "revenue_target"], dtype=float)
    latest = frame.sort_values(["objective_id", "due_on"]).groupby("objective_id").tail(1)
    sums = latest.groupby("account_id")[["actual", "target"]].sum().astype(float)
    return sums.rename(columns={"actual": "revenue_actual", "target": "revenue_target"})


def _reviews(ids: list[int] | None, today: date) -> pd.DataFrame:
    accounts = _scoped(Account.objects.all(), "pk", ids)
    rows = [(c.account_id, c.due_on) for c in account_cadences(accounts=accounts)]
    frame = pd.DataFrame(rows, columns=["account_id", "due_on"])
    if frame.empty:
        return pd.DataFrame(columns=["reviews_scheduled", "reviews_overdue"], dtype=float)
    frame["overdue"] = frame.due_on.notna() & (frame.due_on < today)
    grouped = frame.groupby("account_id")
    return pd.DataFrame({"reviews_scheduled": grouped.size(), "reviews_overdue": grouped.overdue.sum()}).astype(float)


def _actions(ids: list[int] | None, today: date) -> pd.DataFrame:
    actions = Action.objects.order_by().annotate(account_id=Coalesce("plan__account_id", "review__account_id"))
    rows = (
        _scoped(actions, "account_id", ids)
        .values("account_id")
        .annotate(total=Count("pk"), overdue=Count("pk", filter=Q(status__in=OPEN_ACTIONS, due_on__lt=today)))
        .values_list("account_id", "total", "overdue")
    )
    return _by_account(rows, ["actions_total", "actions_overdue"]).astype(float)


def _interactions(ids: list[int] | None, today: date) -> pd.DataFrame:
    since = today - timedelta(days=incident_window_days())
    recent = Q(occurred_on__gte=since, occurred_on__lte=today)
    rows = (
        _scoped(Interaction.objects.order_by(), "account_id", ids)
        .values("account_id")
        .annotate(
            total=Count("pk"),
            incidents=Count("pk", filter=recent & Q(kind=InteractionKind.INCIDENT)),
            payments=Count("pk", filter=recent & Q(kind=InteractionKind.PAYMENT_ISSUE)),
        )
        .values_list("account_id", "total", "incidents", "payments")
    )
    return _by_account(rows, ["interactions_total", "incidents_logged", "payment_issues"]).astype(float)


def _risks(ids: list[int] | None) -> pd.DataFrame:
    rows = (
        _scoped(Risk.objects.open().order_by(), "account_id", ids)
        .values("account_id")
        .annotate(exposure=Sum(F("likelihood") * F("impact")), n=Count("pk"))
        .values_list("account_id", "exposure", "n")
    )
    return _by_account(rows, ["risk_exposure", "risks_open"]).astype(float)


def health_inputs(*, account_ids: Iterable[int] | None = None, today: date | None = None) -> pd.DataFrame:
    """analytics.RAW_COLUMNS for these accounts (every account when None), indexed by account id."""
    today = today or timezone.localdate()
    ids = None if account_ids is None else sorted(set(account_ids))
    accounts = pd.DataFrame(
        list(_scoped(Account.objects.order_by(), "pk", ids).values_list("pk", "is_key", "executive_sponsor_id")),
        columns=["account_id", "is_key", "sponsor"],
    ).set_index("account_id")
    accounts["has_executive_sponsor"] = accounts.sponsor.notna()
    raw = analytics.empty_raw(accounts.index)
    for part in (
        _contacts(ids, accounts, today),
        _satisfaction(ids),
        _revenue(ids),
        _reviews(ids, today),
        _actions(ids, today),
        _interactions(ids, today),
        _risks(ids),
    ):
        part = part.reindex(accounts.index)
        for column in part.columns:
            raw[column] = part[column].astype(float)
    # Counts the database has no row for are zero, not unknown: analytics decides what is missing.
    for column in ("actions_total", "actions_overdue", "interactions_total", "incidents_logged", "payment_issues"):
        raw[column] = raw[column].fillna(0.0)
    raw[["risk_exposure", "risks_open"]] = raw[["risk_exposure", "risks_open"]].fillna(0.0)
    return raw.replace([np.inf, -np.inf], np.nan)


def portfolio_health_now(
    *, account_ids: Iterable[int] | None = None, today: date | None = None, weights: dict[str, float] | None = None
) -> pd.DataFrame:
    """Health, its signals and their points, as of today, for these accounts."""
    raw = health_inputs(account_ids=account_ids, today=today)
    weights = health_weights() if weights is None else weights
    return raw.join(analytics.portfolio_health(raw, weights, silence_days=silence_days()))


def history_frame(
    *, account_ids: Iterable[int] | QuerySet | None = None, since: date, weeks: list[date] | None = None
) -> pd.DataFrame:
    """Weekly snapshots since `since` (account_id, week, score), of these accounts (ids or a values("pk") query),
    only of the given weeks if any."""
    rows = _scoped(HealthSnapshot.objects.filter(week__gte=since).order_by(), "account_id", account_ids)
    if weeks is not None:
        rows = rows.filter(week__in=weeks)
    return pd.DataFrame(list(rows.values_list("account_id", "week", "score")), columns=["account_id", "week", "score"])
