"""Segmentation runs: request one, execute it (read, score with pandas, write in bulk)."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import timedelta

import numpy as np
import pandas as pd
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from scoring.analytics import (
    MAX_CRITERIA,
    MIN_CRITERIA,
    Axis,
    CriterionSpec,
    MissingPolicy,
    Normalisation,
    Thresholds,
    score_portfolio,
)
from scoring.models import AccountScore, Criterion, Rating, RunStatus, SegmentationRun, SegmentationSettings
from scoring.sources import SOURCES, portfolio_frame

WRITE_BATCH = 5000


class RunRefused(Exception):
    """A run cannot start; `message` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


STALE_AFTER = timedelta(hours=1)


def segmentation_run_request(*, by=None) -> SegmentationRun:
    """Queue a run; refused while another one is waiting or running.

    A run unfinished for over an hour belonged to a worker that died: it is marked
    failed (its results were never made current), so it cannot block every later run.
    """
    SegmentationRun.objects.unfinished().filter(created_at__lt=timezone.now() - STALE_AFTER).update(
        status=RunStatus.FAILED,
        finished_at=timezone.now(),
        error=_("Abandoned: the worker stopped before the run finished."),
    )
    try:
        with transaction.atomic():
            return SegmentationRun.objects.create(requested_by=by)
    except IntegrityError as error:
        raise RunRefused(_("A segmentation is already waiting or running; wait for it to finish.")) from error


def _specs(criteria: list[Criterion]) -> list[CriterionSpec]:
    return [
        CriterionSpec(
            key=criterion.key,
            weight=float(criterion.weight),
            axis=Axis(criterion.axis),
            higher_is_better=criterion.higher_is_better,
            normalisation=Normalisation(criterion.normalisation),
            fixed_min=criterion.fixed_min if criterion.fixed_min is not None else (0 if criterion.is_manual else None),
            fixed_max=criterion.fixed_max if criterion.fixed_max is not None else (10 if criterion.is_manual else None),
            missing=MissingPolicy(criterion.missing),
        )
        for criterion in criteria
    ]


def _raw_frame(criteria: list[Criterion], base: pd.DataFrame) -> pd.DataFrame:
    """One column of raw values per criterion, indexed like `base` (the portfolio)."""
    frame = pd.DataFrame(index=base.index)
    manual = [c.pk for c in criteria if c.is_manual]
    ratings = pd.DataFrame(
        list(Rating.objects.filter(criterion_id__in=manual).values_list("account_id", "criterion_id", "value")),
        columns=["account_id", "criterion_id", "value"],
    )
    for criterion in criteria:
        if criterion.is_manual:
            values = ratings[ratings.criterion_id == criterion.pk].set_index("account_id")["value"]
        else:
            values = SOURCES[criterion.source].load(base)
        frame[criterion.key] = pd.to_numeric(values, errors="coerce").reindex(frame.index).astype(float)
    return frame


def _config(criteria: list[Criterion], thresholds: Thresholds) -> dict:
    return {
        "criteria": [
            {
                "id": c.pk,
                "key": c.key,
                "name": c.name,
                "axis": c.axis,
                "weight": c.weight,
                "source": c.source,
                "higher_is_better": c.higher_is_better,
                "normalisation": c.normalisation,
                "missing": c.missing,
            }
            for c in criteria
        ],
        "thresholds": {
            "mode": thresholds.mode,
            "value": thresholds.value,
            "potential": thresholds.potential,
            "gold": thresholds.gold,
            "silver": thresholds.silver,
            "key_accounts": thresholds.key_accounts,
        },
    }


def _plain(series: pd.Series) -> list:
    """Python numbers with None for missing values, for model fields."""
    values = series.astype(object).where(series.notna(), None).tolist()
    return [None if v is None else (int(v) if series.name == "rank" else float(v)) for v in values]


def _details(keys: list[str], raw, norm, points) -> list[dict]:
    rounded = [np.round(array.astype(float), 2) for array in (raw, norm, points)]
    as_lists = [np.where(np.isnan(array), None, array).tolist() for array in rounded]
    return [
        {key: {"raw": r[i], "norm": n[i], "points": p[i]} for i, key in enumerate(keys)}
        for r, n, p in zip(*as_lists, strict=True)
    ]


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), 2)


def segmentation_execute(*, run: SegmentationRun) -> SegmentationRun:
    """Score every current account and make the results current; a failure leaves the previous results current."""
    SegmentationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now())
    try:
        with transaction.atomic():
            _execute(run)
    except Exception as error:  # any failure marks the run failed, then propagates
        SegmentationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=getattr(error, "message", str(error))
        )
        run.refresh_from_db()
        if isinstance(error, RunRefused):
            return run
        raise
    run.refresh_from_db()
    return run


def _execute(run: SegmentationRun) -> None:
    criteria = list(Criterion.objects.filter(is_active=True))
    if not MIN_CRITERIA <= len(criteria) <= MAX_CRITERIA:
        raise RunRefused(
            _("Scoring needs between %(min)s and %(max)s active criteria; there are %(count)s.")
            % {"min": MIN_CRITERIA, "max": MAX_CRITERIA, "count": len(criteria)}
        )
    base = portfolio_frame()
    if base.empty:
        raise RunRefused(_("There is no account to score."))
    settings = SegmentationSettings.load()
    thresholds = Thresholds(
        mode=settings.mode,
        value=settings.value,
        potential=settings.potential,
        gold=settings.gold,
        silver=settings.silver,
        key_accounts=settings.key_rule,
    )
    raw = _raw_frame(criteria, base)
    result = score_portfolio(raw, _specs(criteria), thresholds)

    previous_run = SegmentationRun.objects.filter(status=RunStatus.DONE).exclude(pk=run.pk).order_by("-finished_at")
    previous = {
        row[0]: row[1:]
        for row in AccountScore.objects.filter(run__in=previous_run[:1]).values_list(
            "account_id", "segment", "tier", "is_key"
        )
    }
    keys = [c.key for c in criteria]
    details = _details(
        keys,
        raw[keys].to_numpy(),
        result[[f"norm_{k}" for k in keys]].to_numpy(),
        result[[f"points_{k}" for k in keys]].to_numpy(),
    )
    columns = {name: _plain(result[name]) for name in ("value_score", "potential_score", "total_score", "rank")}
    segments = result.segment.astype(object).fillna("").tolist()
    tiers = result.tier.astype(object).fillna("").tolist()
    is_key = result.is_key.astype(bool).tolist()  # plain lists: a column lookup per row deep-copies frame attrs
    scores = []
    for position, account_id in enumerate(result.index):
        before = previous.get(account_id, ("", "", None))
        scores.append(
            AccountScore(
                run=run,
                account_id=account_id,
                value_score=columns["value_score"][position],
                potential_score=columns["potential_score"][position],
                total_score=columns["total_score"][position],
                rank=columns["rank"][position],
                segment=segments[position],
                tier=tiers[position],
                is_key=is_key[position],
                previous_segment=before[0],
                previous_tier=before[1],
                was_key=before[2],
                details=details[position],
            )
        )
    _write_scores(scores)
    segmentation_make_current(run=run)
    entered = sum(1 for s in scores if s.is_key and s.was_key is False)
    left = sum(1 for s in scores if not s.is_key and s.was_key)
    SegmentationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        finished_at=timezone.now(),
        config=_config(criteria, thresholds),
        summary={
            "accounts": len(scores),
            "key_accounts": sum(1 for s in scores if s.is_key),
            "segments": result.segment.value_counts().astype(int).to_dict(),
            "tiers": result.tier.value_counts().astype(int).to_dict(),
            "entered": entered,
            "left": left,
        },
    )


SCORE_COLUMNS = [
    "run_id",
    "account_id",
    "value_score",
    "potential_score",
    "total_score",
    "rank",
    "segment",
    "tier",
    "is_key",
    "previous_segment",
    "previous_tier",
    "was_key",
    "details",
]


def _write_scores(scores: list[AccountScore]) -> None:
    """Store the run's rows: COPY on PostgreSQL (about 10x faster than bulk_create for 100,000 rows)."""
    if connection.vendor != "postgresql":
        AccountScore.objects.bulk_create(scores, batch_size=WRITE_BATCH)
        return
    null = "\\N"

    def cell(value) -> object:
        if value is None:
            return null
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, dict):
            return json.dumps(value, separators=(",", ":"))
        return value

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for score in scores:
        writer.writerow([cell(getattr(score, column)) for column in SCORE_COLUMNS])
    buffer.seek(0)
    table = connection.ops.quote_name(AccountScore._meta.db_table)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {table} ({', '.join(SCORE_COLUMNS)}) FROM STDIN WITH (FORMAT csv, NULL '{null}')", buffer
        )


def segmentation_make_current(*, run: SegmentationRun) -> None:
    """Copy the run's results onto the accounts in one set-based UPDATE ... FROM (no per-row writes)."""
    quote = connection.ops.quote_name
    account, score = quote(Account._meta.db_table), quote(AccountScore._meta.db_table)
    with connection.cursor() as cursor:
        # Only table names from the models' metadata go into the SQL; the run id is a parameter.
        cursor.execute(
            f"UPDATE {account} SET segment = s.segment, tier = s.tier, score = s.total_score, is_key = s.is_key "  # noqa: S608
            f"FROM {score} AS s WHERE s.account_id = {account}.id AND s.run_id = %s",
            [run.pk],
        )
