"""Segmentation runs: request one, execute it (read, score with pandas, write in bulk)."""

from __future__ import annotations

import math
from datetime import timedelta

import pandas as pd
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, Lifecycle
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
from scoring.sources import SOURCES

WRITE_BATCH = 2000


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


def _raw_frame(criteria: list[Criterion], account_ids: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame(index=pd.Index(account_ids, name="account_id"))
    manual = [c.pk for c in criteria if c.is_manual]
    ratings = pd.DataFrame(
        list(Rating.objects.filter(criterion_id__in=manual).values_list("account_id", "criterion_id", "value")),
        columns=["account_id", "criterion_id", "value"],
    )
    for criterion in criteria:
        if criterion.is_manual:
            values = ratings[ratings.criterion_id == criterion.pk].set_index("account_id")["value"]
        else:
            values = SOURCES[criterion.source].load(account_ids)
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
    account_ids = list(Account.objects.exclude(lifecycle=Lifecycle.FORMER).values_list("pk", flat=True))
    if not account_ids:
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
    raw = _raw_frame(criteria, account_ids)
    result = score_portfolio(raw, _specs(criteria), thresholds)

    previous_run = SegmentationRun.objects.filter(status=RunStatus.DONE).exclude(pk=run.pk).order_by("-finished_at")
    previous = {
        row[0]: row[1:]
        for row in AccountScore.objects.filter(run__in=previous_run[:1]).values_list(
            "account_id", "segment", "tier", "is_key"
        )
    }
    keys = [c.key for c in criteria]
    norm = result[[f"norm_{k}" for k in keys]].to_numpy()
    points = result[[f"points_{k}" for k in keys]].to_numpy()
    raw_values = raw[keys].to_numpy()
    scores = []
    for index, (account_id, row) in enumerate(result.iterrows()):
        before = previous.get(account_id, ("", "", None))
        details = {
            key: {
                "raw": _number(raw_values[index, i]),
                "norm": _number(norm[index, i]),
                "points": _number(points[index, i]),
            }
            for i, key in enumerate(keys)
        }
        scores.append(
            AccountScore(
                run=run,
                account_id=account_id,
                value_score=_number(row.value_score),
                potential_score=_number(row.potential_score),
                total_score=_number(row.total_score),
                rank=None if pd.isna(row["rank"]) else int(row["rank"]),
                segment="" if pd.isna(row.segment) else str(row.segment),
                tier="" if pd.isna(row.tier) else str(row.tier),
                is_key=bool(row.is_key),
                previous_segment=before[0],
                previous_tier=before[1],
                was_key=before[2],
                details=details,
            )
        )
    AccountScore.objects.bulk_create(scores, batch_size=WRITE_BATCH)
    _make_current(run)
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


def _make_current(run: SegmentationRun) -> None:
    """Copy the run's results onto the accounts in one set-based UPDATE (no per-row writes)."""

    def of_run(field: str) -> Subquery:
        return Subquery(AccountScore.objects.filter(run=run, account=OuterRef("pk")).values(field)[:1])

    Account.objects.filter(scores__run=run).update(
        segment=of_run("segment"), tier=of_run("tier"), score=of_run("total_score"), is_key=of_run("is_key")
    )
