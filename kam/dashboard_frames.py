"""Read what the dashboard needs into pandas frames: a fixed number of queries, whatever the portfolio's size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib.util import find_spec

import numpy as np
import pandas as pd
from django.db.models import QuerySet
from django.utils import timezone

from accounts.coverage import coverage_portfolio
from accounts.models import Account, YearlyFinancial
from plans.models import IN_FORCE, AccountPlan, Checkpoint, Objective
from plans.progress import objective_progress
from scoring.models import AccountScore, RunStatus, SegmentationRun

ACCOUNT_COLUMNS = ["account_id", "name", "segment", "is_key", "revenue", "potential", "revenue_growth"]


@dataclass
class Portfolio:
    """Everything the dashboard shows for one filtered set of accounts."""

    frame: pd.DataFrame
    scores: pd.DataFrame
    run: SegmentationRun | None
    objectives: pd.DataFrame
    answers: pd.DataFrame
    overdue_reviews: int | None = None
    extras: dict = field(default_factory=dict)


def latest_run() -> SegmentationRun | None:
    return SegmentationRun.objects.filter(status=RunStatus.DONE).order_by("-finished_at", "-pk").first()


def _accounts_frame(accounts: QuerySet[Account]) -> pd.DataFrame:
    rows = accounts.order_by().values_list(
        "pk", "name", "segment", "is_key", "last_year_revenue", "potential", "revenue_growth"
    )
    frame = pd.DataFrame.from_records(list(rows), columns=ACCOUNT_COLUMNS).set_index("account_id")
    for column in ("revenue", "potential", "revenue_growth"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["is_key"] = frame.is_key.astype(bool)
    return frame


def _previous_revenue(frame: pd.DataFrame, accounts: QuerySet[Account], today: date) -> pd.Series:
    previous_year = today.year - 2
    rows = (
        YearlyFinancial.objects.filter(account__in=accounts.order_by().values("pk"), year=previous_year)
        .order_by()
        .values_list("account_id", "revenue")
    )
    previous = pd.Series(dict(rows), dtype=object)
    return pd.to_numeric(previous.reindex(frame.index), errors="coerce").astype(float)


def _scores_frame(run: SegmentationRun | None, ids: pd.Index) -> pd.DataFrame:
    columns = ["account_id", "value_score", "potential_score", "segment", "previous_segment", "is_key", "was_key"]
    if run is None:
        return pd.DataFrame(columns=columns).set_index("account_id")
    rows = AccountScore.objects.filter(run=run).order_by().values_list(*columns)
    scores = pd.DataFrame.from_records(list(rows), columns=columns).set_index("account_id")
    return scores[scores.index.isin(ids)]


def _plans_in_force(accounts: QuerySet[Account]) -> tuple[set[int], list[int]]:
    plans = AccountPlan.objects.filter(account__in=accounts.order_by().values("pk"), status__in=IN_FORCE)
    rows = list(plans.order_by().values_list("pk", "account_id"))
    return {account_id for _pk, account_id in rows}, [pk for pk, _account_id in rows]


def _objectives_frame(plan_ids: list[int]) -> pd.DataFrame:
    """One row per objective of the plans in force: account_id and status by the plans' own progress rule."""
    objectives = list(
        Objective.objects.filter(plan_id__in=plan_ids)
        .order_by()
        .values_list("pk", "plan__account_id", "baseline", "target")
    )
    checkpoints: dict[int, list[tuple]] = {}
    rows = Checkpoint.objects.filter(objective__plan_id__in=plan_ids).order_by("objective_id", "due_on", "pk")
    for objective_id, target, actual in rows.values_list("objective_id", "target", "actual"):
        checkpoints.setdefault(objective_id, []).append((target, actual))
    records = [
        (account_id, objective_progress(baseline=baseline, target=target, checkpoints=checkpoints.get(pk, [])).status)
        for pk, account_id, baseline, target in objectives
    ]
    return pd.DataFrame.from_records(records, columns=["account_id", "status"])


def _answers_frame(accounts: QuerySet[Account]) -> pd.DataFrame:
    """Survey answers (account_id, period, kind, number) once the surveys app records responses."""
    columns = ["account_id", "period", "kind", "number"]
    if find_spec("surveys.frames") is None:
        return pd.DataFrame(columns=columns)
    try:
        from surveys.models import Answer
    except ImportError:
        return pd.DataFrame(columns=columns)
    rows = (
        Answer.objects.filter(
            response__account__in=accounts.order_by().values("pk"), question__kind__in=["rating", "nps"]
        )
        .order_by()
        .values_list("response__account_id", "response__submitted_at", "question__kind", "number")
    )
    answers = pd.DataFrame.from_records(list(rows), columns=["account_id", "at", "kind", "number"])
    if answers.empty:
        return pd.DataFrame(columns=columns)
    at = pd.to_datetime(answers.pop("at"), utc=True)
    answers["period"] = at.dt.year.astype(str) + "-Q" + at.dt.quarter.astype(str)
    return answers[columns]


def overdue_reviews_count(accounts: QuerySet[Account], today: date) -> int | None:
    """Overdue reviews of these accounts, once the review routine exists (plans.reviews)."""
    if find_spec("plans.reviews") is None:
        return None
    from plans.reviews import reviews_due

    return sum(1 for due in reviews_due(accounts=accounts, within_days=0, today=today) if due.days_overdue > 0)


def portfolio_read(*, accounts: QuerySet[Account], today: date | None = None) -> Portfolio:
    today = today or timezone.localdate()
    frame = _accounts_frame(accounts)
    frame["previous_revenue"] = _previous_revenue(frame, accounts, today)
    run = latest_run()
    scores = _scores_frame(run, frame.index)
    frame = frame.join(scores[["value_score", "potential_score"]])
    with_plan, plan_ids = _plans_in_force(accounts)
    frame["has_plan"] = frame.index.isin(list(with_plan))
    coverage = coverage_portfolio(today=today)["quality"]
    frame["coverage"] = coverage.reindex(frame.index).replace({np.nan: None})
    return Portfolio(
        frame=frame,
        scores=scores,
        run=run,
        objectives=_objectives_frame(plan_ids),
        answers=_answers_frame(accounts),
        overdue_reviews=overdue_reviews_count(accounts, today),
    )
