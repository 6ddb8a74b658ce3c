"""Read what the dashboard needs into pandas frames: a fixed number of queries, whatever the portfolio's size."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import FilteredRelation, Q, QuerySet
from django.utils import timezone

from accounts.coverage import coverage_portfolio
from accounts.financial_year import financial_year_in_use
from accounts.models import Account
from kam.stamp import data_stamp
from plans.content import line_actuals_by_id
from plans.models import IN_FORCE, AccountPlan, Checkpoint, Metric, Objective
from plans.progress import line_objective_progress, objective_progress
from plans.reviews import account_cadences
from scoring.models import AccountScore, RunStatus, SegmentationRun
from surveys.models import Answer

COVERAGE_CACHE_SECONDS = 60
COVERAGE_STAMPED_SECONDS = 15 * 60
_NULL = "\\N"  # how COPY writes NULL (text columns never NULL, so never mistaken for it)
ACCOUNT_COLUMNS = ["account_id", "name", "segment", "is_key", "revenue", "potential", "revenue_growth"]


class Unread:
    """No data stamp read yet (None means one was read and there is none)."""


UNREAD = Unread()


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


def _fetch(queryset: QuerySet) -> list[tuple]:
    """Rows straight from the cursor: Django's per-value converters cost ~40 ms on 10,000 accounts."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _frame(queryset: QuerySet, columns: list[str], *, text: tuple[str, ...] = ()) -> pd.DataFrame:
    """The rows as a frame with these column names. On PostgreSQL through COPY and pandas' C reader: turning
    10,000 rows into Python objects and then into a frame cost ~3x more.

    `text`: the text columns, read exactly as stored (none may be NULL). Booleans come as bool, or as objects with
    NaN where NULL; numbers as float where NULL.
    """
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. .none(): no SQL to run
        return pd.DataFrame.from_records([], columns=columns)
    if connection.vendor != "postgresql":
        return pd.DataFrame.from_records(_fetch(queryset), columns=columns)
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        query = cursor.mogrify(sql, params).decode()
        cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, NULL '{_NULL}')", buffer)
    if not buffer.tell():  # no row: the reader would find no columns at all
        return pd.DataFrame.from_records([], columns=columns)
    buffer.seek(0)
    return pd.read_csv(
        buffer,
        names=columns,
        header=None,
        dtype=dict.fromkeys(text, str),
        na_values={column: [_NULL] for column in columns if column not in text},
        keep_default_na=False,
        true_values=["t"],
        false_values=["f"],
    )


SCORE_COLUMNS = ["value_score", "potential_score", "score_segment", "previous_segment", "score_is_key", "was_key"]


def _accounts_frame(accounts: QuerySet[Account], *, run: SegmentationRun | None, year: int | None) -> pd.DataFrame:
    """Accounts with the year in use's and the year before's revenue and their result in the run: one query."""
    # No year in use (no figures at all): the join matches nothing, so the previous revenue is missing.
    before = year - 1 if year is not None else 0
    previous = FilteredRelation("financials", condition=Q(financials__year=before))
    rows = accounts.order_by().annotate(previous=previous)
    # Amounts as stored (numeric): PostgreSQL spends ~20 ms writing 40,000 of them as double precision.
    columns = ["pk", "name", "segment", "is_key", "last_year_revenue", "potential", "revenue_growth"]
    columns += ["previous__revenue"]
    names = ACCOUNT_COLUMNS + ["previous_revenue"]
    frame = _frame(rows.values_list(*columns), names, text=("name", "segment")).set_index("account_id")
    for column in ("revenue", "potential", "revenue_growth", "previous_revenue"):
        frame[column] = frame[column].astype(float)
    frame["is_key"] = frame.is_key.astype(bool)
    if run is None:
        return frame.assign(**{column: np.nan for column in SCORE_COLUMNS})
    return frame.join(_run_scores(run), how="left")


def _run_scores(run: SegmentationRun) -> pd.DataFrame:
    """The run's results, by its id alone, joined in pandas: joined in SQL, a run the planner has no statistics
    for yet (every new one, until the table is analysed) made it loop 1,250 x 10,000 times (0.9 s for a country)."""
    rows = AccountScore.objects.filter(run_id=run.pk).order_by()
    fields = ["account_id", "value_score", "potential_score", "segment", "previous_segment", "is_key", "was_key"]
    text = ("score_segment", "previous_segment")
    return _frame(rows.values_list(*fields), ["account_id", *SCORE_COLUMNS], text=text).set_index("account_id")


def _scores_of(frame: pd.DataFrame) -> pd.DataFrame:
    """The accounts' results in the run, as the migration figures read them."""
    scored = frame[frame.score_segment.notna()] if "score_segment" in frame else frame.iloc[0:0]
    return pd.DataFrame(
        {
            "value_score": scored.value_score,
            "potential_score": scored.potential_score,
            "segment": scored.score_segment,
            "previous_segment": scored.previous_segment,
            "is_key": scored.score_is_key.astype(bool),
            "was_key": scored.was_key,
        }
    )


def _coverage_quality(today: date, stamp: str | Unread | None = UNREAD) -> pd.Series:
    """Map quality of every account; the whole portfolio's contacts are read, so it is kept.

    Under the data stamp (kam.stamp) while nothing changes: a dashboard cached under a stamp must not hold
    a map quality computed before it. Without a stamp (a writer still running), for a minute as before.
    """
    if isinstance(stamp, Unread):
        stamp = data_stamp()
    key = f"kam:dashboard:coverage:{today.isoformat()}:{stamp or ''}"
    seconds = COVERAGE_STAMPED_SECONDS if stamp is not None else COVERAGE_CACHE_SECONDS
    return cache.get_or_set(key, lambda: coverage_portfolio(today=today)["quality"], seconds)


def _plans_in_force(accounts: QuerySet[Account]) -> tuple[set[int], list[int]]:
    plans = AccountPlan.objects.filter(account__in=accounts.order_by().values("pk"), status__in=IN_FORCE)
    rows = list(plans.order_by().values_list("pk", "account_id"))
    return {account_id for _pk, account_id in rows}, [pk for pk, _account_id in rows]


def _objectives_frame(plan_ids: list[int]) -> pd.DataFrame:
    """One row per objective of the plans in force: account_id and status by the plans' own progress rule
    (an objective on a product line reads its actual from revenue by line, as on the plan page)."""
    objectives = list(
        Objective.objects.filter(plan_id__in=plan_ids)
        .order_by()
        .values_list("pk", "plan__account_id", "baseline", "target", "metric", "line_id")
    )
    checkpoints: dict[int, list[tuple]] = {}
    rows = Checkpoint.objects.filter(objective__plan_id__in=plan_ids).order_by("objective_id", "due_on", "pk")
    for objective_id, due_on, target, actual in rows.values_list("objective_id", "due_on", "target", "actual"):
        checkpoints.setdefault(objective_id, []).append((due_on, target, actual))
    on_line = {pk for pk, _a, _b, _t, metric, line_id in objectives if metric == Metric.LINE_REVENUE and line_id}
    line_actuals = line_actuals_by_id(objective_ids=sorted(on_line))
    records = []
    for pk, account_id, baseline, target, _metric, _line in objectives:
        own = checkpoints.get(pk, [])
        if pk in on_line:
            year, actual = line_actuals.get(pk, (None, None))
            progress = line_objective_progress(
                baseline=baseline, target=target, checkpoints=[(d, t) for d, t, _ in own], actual=actual, year=year
            )
        else:
            progress = objective_progress(baseline=baseline, target=target, checkpoints=[(t, a) for _, t, a in own])
        records.append((account_id, progress.status))
    return pd.DataFrame.from_records(records, columns=["account_id", "status"])


def _answers_frame(accounts: QuerySet[Account]) -> pd.DataFrame:
    """Survey answers to numeric questions: campaign_id, account_id, response_id, buying_role, period, kind, number."""
    columns = ["campaign_id", "account_id", "response_id", "buying_role", "period", "kind", "number"]
    rows = (
        Answer.objects.filter(
            response__account__in=accounts.order_by().values("pk"), question__kind__in=["rating", "nps"]
        )
        .order_by()
        .values_list(
            "response__campaign_id", "response__account_id", "response_id", "response__buying_role",
            "response__submitted_at", "question__kind", "number",
        )
    )  # fmt: skip
    answers = pd.DataFrame.from_records(
        list(rows), columns=["campaign_id", "account_id", "response_id", "buying_role", "at", "kind", "number"]
    )
    if answers.empty:
        return pd.DataFrame(columns=columns)
    at = pd.to_datetime(answers.pop("at"), utc=True)
    answers["period"] = at.dt.year.astype(str) + "-Q" + at.dt.quarter.astype(str)
    answers["number"] = pd.to_numeric(answers.number, errors="coerce").astype(float)
    return answers[columns]


def overdue_reviews_count(accounts: QuerySet[Account], today: date) -> int | None:
    """Overdue reviews of these accounts (plans.reviews): counted from the cadences, without reading the accounts
    that owe them (reviews_due does, for the worklist's links)."""
    return sum(1 for cadence in account_cadences(accounts=accounts) if (due := cadence.due_on) and due < today)


def portfolio_read(
    *, accounts: QuerySet[Account], today: date | None = None, stamp: str | Unread | None = UNREAD
) -> Portfolio:
    """stamp: the data stamp (kam.stamp) the caller read before calling, if it did."""
    today = today or timezone.localdate()
    run = latest_run()
    year = financial_year_in_use(today=today)
    frame = _accounts_frame(accounts, run=run, year=year)
    scores = _scores_of(frame)
    with_plan, plan_ids = _plans_in_force(accounts)
    frame["has_plan"] = frame.index.isin(list(with_plan))
    coverage = _coverage_quality(today, stamp)
    frame["coverage"] = coverage.reindex(frame.index).replace({np.nan: None})
    return Portfolio(
        frame=frame,
        scores=scores,
        run=run,
        objectives=_objectives_frame(plan_ids),
        answers=_answers_frame(accounts),
        overdue_reviews=overdue_reviews_count(accounts, today),
        extras={"financial_year": year},
    )
