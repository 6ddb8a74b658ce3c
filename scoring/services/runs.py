"""Segmentation runs: request one, execute it (read, score with pandas, write in bulk)."""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.financial_year import financial_year_in_use
from accounts.models import Account
from kam.events import event_emit
from kam.models import User
from kam.notifications import notifications_send
from kam.outbox import outbox_enqueue
from kam.texts import text_list, text_ref
from scoring import texts
from scoring.analytics import (
    MAX_CRITERIA,
    MIN_CRITERIA,
    Axis,
    CriterionSpec,
    MissingPolicy,
    Normalisation,
    Thresholds,
    key_stabilise,
    score_portfolio,
)
from scoring.analytics.groups import group_roots, roll_up
from scoring.models import (
    AccountScore,
    Criterion,
    KeyOverride,
    KeyReason,
    OverrideDecision,
    Rating,
    RunStatus,
    SegmentationRun,
    SegmentationSettings,
)
from scoring.sources import SOURCES, portfolio_frame

WRITE_BATCH = 5000

logger = logging.getLogger(__name__)


class RunRefused(Exception):
    """A run cannot start; `message` says why, for the user, and `run` is the run under way, if any."""

    def __init__(self, message: str, run: SegmentationRun | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.run = run


# Named, not imported: tasks import services, services never import tasks.
RUN_TASK = "scoring.tasks.segmentation_run_task"


def segmentation_run_request(*, by=None) -> SegmentationRun:
    """Record a run to do; refused while another one is waiting or running, whatever its status.

    The database admits one unfinished run (a unique index over pending and running alike), so
    two requests racing get one run and one refusal naming the run under way. A run whose worker
    died is failed first (the watchdog's check), so it does not block this one.
    """
    segmentation_watchdog()
    try:
        with transaction.atomic():
            return SegmentationRun.objects.create(requested_by=by)
    except IntegrityError as error:
        under_way = SegmentationRun.objects.unfinished().first()
        if under_way is None:  # it finished between our insert and this read: say so rather than guess
            raise RunRefused(_("Another segmentation has just finished; you may run it again.")) from error
        raise RunRefused(
            _("Run %(number)s is already %(status)s; wait for it to finish.")
            % {"number": under_way.pk, "status": under_way.get_status_display().lower()},
            run=under_way,
        ) from error


def segmentation_run_queue(*, by=None) -> SegmentationRun:
    """Request a run and record its task in the outbox in the same transaction.

    When the broker is down the run waits ("queued") and starts when the broker is back: the
    request never fails on the broker and never leaves a run that no task will pick up.
    """
    with transaction.atomic():
        run = segmentation_run_request(by=by)
        outbox_enqueue(task=RUN_TASK, args=[run.pk], key=run.outbox_key)
    return run


def segmentation_watchdog(*, now: datetime | None = None) -> int:
    """Fail the runs whose worker is gone, with the reason; returns how many. The next run may start at once.

    A running run beats a heartbeat every SEGMENTATION_HEARTBEAT_INTERVAL seconds; one silent for
    SEGMENTATION_HEARTBEAT_TIMEOUT lost its worker (killed, restarted, out of memory). A run still
    waiting after SEGMENTATION_PENDING_TIMEOUT was never picked up. Its results were never made
    current (they commit with the run), so the previous run's stay current.
    """
    now = now or timezone.now()
    silent_since = now - timedelta(seconds=django_settings.SEGMENTATION_HEARTBEAT_TIMEOUT)
    dead = SegmentationRun.objects.filter(status=RunStatus.RUNNING).filter(
        Q(heartbeat_at__lt=silent_since)
        | Q(heartbeat_at=None, started_at__lt=silent_since)
        | Q(heartbeat_at=None, started_at=None, created_at__lt=silent_since)
    )
    failed = dead.update(
        status=RunStatus.FAILED,
        finished_at=now,
        error=_(
            "Stopped: its worker gave no sign of life for %(minutes)s minutes (it was stopped or killed). "
            "The previous results stay current; you may run it again."
        )
        % {"minutes": max(1, django_settings.SEGMENTATION_HEARTBEAT_TIMEOUT // 60)},
    )
    waited_since = now - timedelta(seconds=django_settings.SEGMENTATION_PENDING_TIMEOUT)
    failed += SegmentationRun.objects.filter(status=RunStatus.PENDING, created_at__lt=waited_since).update(
        status=RunStatus.FAILED,
        finished_at=now,
        error=_(
            "Never started: no worker picked it up within %(minutes)s minutes. "
            "Check that a Celery worker and the broker are running, then run it again."
        )
        % {"minutes": max(1, django_settings.SEGMENTATION_PENDING_TIMEOUT // 60)},
    )
    return failed


@contextmanager
def _heartbeat(run: SegmentationRun) -> Iterator[None]:
    """Beat the run's heartbeat from a side thread while the block runs, so the watchdog sees the worker alive.

    A thread, not calls between phases: one long phase (reading 100,000 accounts) must not look like
    a dead worker. It uses its own connection, outside the run's transaction. SQLite admits one
    writer at a time, so there the heartbeat is only the one written when the run started.
    """
    interval = django_settings.SEGMENTATION_HEARTBEAT_INTERVAL
    if connection.vendor == "sqlite" or interval <= 0:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(interval):
                SegmentationRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(heartbeat_at=timezone.now())
        except Exception:  # a lost heartbeat is for the watchdog to judge, never a crash of the run
            logger.exception("Heartbeat of segmentation run %s stopped", run.pk)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"segmentation-heartbeat-{run.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)


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


def _config(criteria: list[Criterion], thresholds: Thresholds, *, group_rollup: bool) -> dict:
    return {
        "criteria": [
            {
                "id": c.pk,
                "key": c.key,
                "name": c.name,
                "name_fr": c.name_fr,
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
            "key_score": thresholds.key_score,
            "key_top_n": thresholds.key_top_n,
            "max_missing_share": thresholds.max_missing_share,
            "filled_weight": thresholds.filled_weight,
            "key_band": thresholds.key_band,
            "key_top_n_margin": thresholds.key_top_n_margin,
            "key_confirm_runs": thresholds.key_confirm_runs,
        },
        "financial_year": financial_year_in_use(),
        "group_rollup": group_rollup,
    }


def _criterion_matrix(keys: list[str], raw: pd.DataFrame, result: pd.DataFrame) -> bytes:
    """The run's criterion matrix (see SegmentationRun.criterion_matrix), one row per account in `result` order."""
    columns = []
    for key in keys:
        columns += [raw[key], result[f"norm_{key}"], result[f"points_{key}"]]
    matrix = np.round(np.column_stack([column.to_numpy(dtype="float64") for column in columns]), 2)
    return np.ascontiguousarray(matrix, dtype="<f8").tobytes()


def segmentation_execute(*, run: SegmentationRun) -> SegmentationRun:
    """Score every current account and make the results current; a failure leaves the previous results current.

    Only a waiting run is started (claimed by one UPDATE): a redelivered task, or one arriving after
    the watchdog failed its run, returns the run as it is and does nothing twice.
    """
    now = timezone.now()
    claimed = SegmentationRun.objects.filter(pk=run.pk, status=RunStatus.PENDING).update(
        status=RunStatus.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        run.refresh_from_db()
        return run
    try:
        with _heartbeat(run), transaction.atomic():
            _execute(run)
    except Exception as error:  # any failure (a time limit too) marks the run failed, then propagates
        SegmentationRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=_failure_reason(error),
        )
        run.refresh_from_db()
        if isinstance(error, RunRefused):
            return run
        raise
    run.refresh_from_db()
    segmentation_notify_changes(run=run)
    return run


def _failure_reason(error: Exception) -> str:
    if isinstance(error, SoftTimeLimitExceeded):
        return _(
            "Stopped: the run took longer than the %(minutes)s minutes a task may take "
            "(CELERY_TASK_SOFT_TIME_LIMIT). The previous results stay current."
        ) % {"minutes": max(1, django_settings.CELERY_TASK_SOFT_TIME_LIMIT // 60)}
    return getattr(error, "message", str(error)) or error.__class__.__name__


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
    thresholds = _thresholds(settings)
    roots = _group_roots(base) if settings.group_rollup else None
    if roots is not None:
        # The top of each group carries the whole group's figures; its subsidiaries are not scored alone.
        base = roll_up(base, roots, weighted={"revenue_growth": "last_year_revenue"})
    raw = _raw_frame(criteria, base)
    result = score_portfolio(raw, _specs(criteria), thresholds)

    previous_run = SegmentationRun.objects.filter(status=RunStatus.DONE).exclude(pk=run.pk).order_by("-finished_at")
    previous = pd.DataFrame(
        list(
            AccountScore.objects.filter(run__in=previous_run[:1]).values_list(
                "account_id", "segment", "tier", "is_key", "rule_key", "key_pending"
            )
        ),
        columns=["account_id", "previous_segment", "previous_tier", "was_key", "rule_key", "key_pending"],
    ).set_index("account_id")
    # Runs from before stable key status stored no rule status: their final status is the best evidence left.
    previous["rule_key"] = previous.rule_key.astype(object).where(previous.rule_key.notna(), previous.was_key)
    stable = key_stabilise(result, previous if len(previous) else None, thresholds)
    inherited_from = pd.Series(pd.NA, index=result.index, dtype="Int64")
    if roots is not None:
        raw, result, stable, inherited_from = _inherit(raw, result, stable, roots)
    keys = [c.key for c in criteria]
    rows = pd.DataFrame(
        {
            "run_id": run.pk,
            "account_id": result.index,
            "value_score": result.value_score.round(2).to_numpy(),
            "potential_score": result.potential_score.round(2).to_numpy(),
            "total_score": result.total_score.round(2).to_numpy(),
            # pandas arrays, not numpy: an object array of ints and NA becomes floats ("2.0") in the CSV for COPY
            "rank": result["rank"].astype("Int64").array,
            "segment": result.segment.astype(object).fillna("").to_numpy(),
            "tier": result.tier.astype(object).fillna("").to_numpy(),
            "is_key": stable.rule_key.to_numpy(dtype=bool),
            "scored": result.scored.to_numpy(dtype=bool),
            "missing": _missing_keys(result, keys),
            "rule_key": stable.rule_key.to_numpy(dtype=bool),
            "key_pending": stable.key_pending.to_numpy(),
            "key_reason": stable.key_reason.to_numpy(dtype=object),
            "inherited_from_id": inherited_from.array,
        }
    )
    before = previous.reindex(result.index)
    rows["previous_segment"] = before.previous_segment.fillna("").to_numpy()
    rows["previous_tier"] = before.previous_tier.fillna("").to_numpy()
    rows["was_key"] = before.was_key.astype("boolean").to_numpy()
    rows["position"] = np.arange(len(rows))
    overridden = _apply_overrides(rows)
    _write_scores(rows)
    SegmentationRun.objects.filter(pk=run.pk).update(criterion_matrix=_criterion_matrix(keys, raw, result))
    segmentation_make_current(run=run)
    entered = int((rows.is_key & (rows.was_key == False)).sum())  # noqa: E712 - NA-aware comparison
    left = int((~rows.is_key & (rows.was_key == True)).sum())  # noqa: E712
    SegmentationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        finished_at=timezone.now(),
        config=_config(criteria, thresholds, group_rollup=settings.group_rollup),
        summary={
            "accounts": len(rows),
            "key_accounts": int(rows.is_key.sum()),
            "segments": result.segment.value_counts().astype(int).to_dict(),
            "tiers": result.tier.value_counts().astype(int).to_dict(),
            "entered": entered,
            "left": left,
            "overrides": overridden,
            "over_capacity": _managers_over_capacity(settings.manager_capacity),
            "capacity": settings.manager_capacity,
            "not_scored": int((~rows.scored).sum()),
            "waiting": int((rows.key_reason == "waiting").sum()),
            "held_by_band": int((rows.key_reason == "held_by_band").sum()),
        },
    )


def _group_roots(base: pd.DataFrame) -> pd.Series:
    parents = pd.DataFrame(
        list(Account.objects.exclude(parent=None).order_by().values_list("pk", "parent_id")),
        columns=["account_id", "parent_id"],
    ).set_index("account_id")["parent_id"]
    return group_roots(parents, base.index)


def _inherit(
    raw: pd.DataFrame, result: pd.DataFrame, stable: pd.DataFrame, roots: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.Series]:
    """Rows for the subsidiaries too: the segment and tier of the top of their group, no score of their own."""
    members = roots.index
    subsidiaries = roots[roots.index != roots.to_numpy()]
    top = subsidiaries.to_numpy()
    result = result.reindex(members)
    result.loc[subsidiaries.index, "segment"] = result.loc[top, "segment"].to_numpy()
    result.loc[subsidiaries.index, "tier"] = result.loc[top, "tier"].to_numpy()
    result["scored"] = result.scored.astype("boolean").fillna(True).astype(bool)
    result["is_key"] = result.is_key.astype("boolean").fillna(False).astype(bool)
    stable = stable.reindex(members)
    stable.loc[subsidiaries.index, ["rule_key", "key_pending", "key_reason"]] = [False, 0, KeyReason.INHERITED]
    stable["rule_key"] = stable.rule_key.astype(bool)
    stable["key_pending"] = stable.key_pending.astype(int)
    inherited_from = pd.Series(pd.NA, index=members, dtype="Int64")
    inherited_from.loc[subsidiaries.index] = top
    return raw.reindex(members), result, stable, inherited_from


def _thresholds(settings: SegmentationSettings) -> Thresholds:
    return Thresholds(
        mode=settings.mode,
        value=settings.value,
        potential=settings.potential,
        gold=settings.gold,
        silver=settings.silver,
        key_accounts=settings.key_rule,
        key_score=settings.key_score,
        key_top_n=settings.key_top_n,
        max_missing_share=settings.max_missing_percent / 100,
        filled_weight=settings.filled_weight,
        key_band=settings.key_band,
        key_top_n_margin=settings.key_top_n_margin,
        key_confirm_runs=settings.key_confirm_runs,
    )


def _missing_keys(result: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """The criterion keys each not-scored account has no value for, space-separated ("" for scored accounts)."""
    missing = np.full(len(result), "", dtype=object)
    not_scored = ~result.scored.to_numpy(dtype=bool)
    if not_scored.any():
        lacking = result.loc[not_scored, [f"missing_{key}" for key in keys]].to_numpy(dtype=bool)
        missing[not_scored] = [" ".join(k for k, gone in zip(keys, row, strict=True) if gone) for row in lacking]
    return missing


def _apply_overrides(rows: pd.DataFrame) -> int:
    """Approved overrides in force decide key status over the rule; the row keeps which one did."""
    in_force = pd.DataFrame(
        list(
            KeyOverride.objects.in_force()
            .order_by("account_id", "-decided_at")
            .values_list("account_id", "pk", "decision")
        ),
        columns=["account_id", "override_id", "decision"],
    ).drop_duplicates("account_id")
    position = pd.Index(rows.account_id).get_indexer(in_force.account_id)
    in_force = in_force[position >= 0]
    position = position[position >= 0]
    rows["override_id"] = pd.array([pd.NA] * len(rows), dtype="Int64")
    if len(in_force):
        rows.loc[rows.index[position], "is_key"] = (in_force.decision == OverrideDecision.INCLUDE).to_numpy()
        rows.loc[rows.index[position], "override_id"] = in_force.override_id.to_numpy()
    return len(in_force)


def _managers_over_capacity(capacity: int) -> list[dict]:
    """Key account managers who now own more key accounts than one person can serve well."""
    counts = (
        Account.objects.filter(is_key=True, owner__isnull=False)
        .order_by()
        .values("owner")
        .annotate(count=Count("pk"))
        .filter(count__gt=capacity)
    )
    names = {user.pk: str(user) for user in User.objects.filter(pk__in=[row["owner"] for row in counts])}
    return [
        {"owner_id": row["owner"], "name": names[row["owner"]], "count": row["count"], "over": row["count"] - capacity}
        for row in counts
    ]


def segmentation_notify_changes(*, run: SegmentationRun) -> int:
    """Tell owners and sponsors, once per run, which of their accounts changed key status or segment."""
    changed = (
        AccountScore.objects.filter(run=run, was_key__isnull=False)
        .exclude(Q(is_key=F("was_key")) & Q(segment=F("previous_segment")))
        .select_related("account")
        .order_by("account__name")
    )
    by_user: dict[int, list[AccountScore]] = {}
    for score in changed:
        for user_id in {score.account.owner_id, score.account.executive_sponsor_id} - {None}:
            by_user.setdefault(user_id, []).append(score)
    users = User.objects.filter(pk__in=by_user)

    def message(user: User) -> dict:
        scores = by_user[user.pk]
        lines = [_change_sentence(score) for score in scores[:10]]
        if len(scores) > 10:
            lines.append(text_ref(texts.AND_MORE, count=len(scores) - 10))
        return text_ref(texts.RUN_CHANGES, run=run.pk, count=len(scores), changes=text_list(lines))

    sent = notifications_send(
        users=users,
        kind="segmentation_changes",
        message_for=message,
        url=reverse("scoring:run_detail", args=[run.pk]),
        dedupe_key=f"segmentation-run-{run.pk}",
    )
    segmentation_emit_changes(run=run)
    return len(sent)


def _segment_ref(segment: str | None) -> dict:
    return text_ref(f"accounts.segment.{segment}" if segment else texts.NO_SEGMENT)


# One event per run and kind of change, naming at most this many accounts (the run's page has them all).
EVENT_ACCOUNTS = 1000


def segmentation_emit_changes(*, run: SegmentationRun) -> None:
    """The run's key-status and segment changes as two events (webhooks), each only when something changed."""
    scores = AccountScore.objects.filter(run=run, was_key__isnull=False).order_by("account_id")
    fields = ("account_id", "is_key", "was_key", "segment", "previous_segment")
    key_changes = list(scores.exclude(is_key=F("was_key")).values(*fields)[:EVENT_ACCOUNTS])
    segment_changes = list(scores.exclude(segment=F("previous_segment")).values(*fields)[:EVENT_ACCOUNTS])
    if key_changes:
        event_emit(
            event="account.key_status_changed",
            payload={
                "run": run.pk,
                "accounts": [
                    {"account": c["account_id"], "is_key": c["is_key"], "was_key": c["was_key"]} for c in key_changes
                ],
            },
        )
    if segment_changes:
        event_emit(
            event="account.segment_changed",
            payload={
                "run": run.pk,
                "accounts": [
                    {"account": c["account_id"], "segment": c["segment"], "previous_segment": c["previous_segment"]}
                    for c in segment_changes
                ],
            },
        )


def _change_sentence(score: AccountScore) -> dict:
    if score.is_key and not score.was_key:
        return text_ref(texts.BECAME_KEY, account=score.account.name)
    if score.was_key and not score.is_key:
        return text_ref(texts.NO_LONGER_KEY, account=score.account.name)
    return text_ref(
        texts.MOVED,
        account=score.account.name,
        before=_segment_ref(score.previous_segment),
        after=_segment_ref(score.segment),
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
    "position",
    "override_id",
    "scored",
    "missing",
    "rule_key",
    "key_pending",
    "key_reason",
    "inherited_from_id",
]


def _write_scores(rows: pd.DataFrame) -> None:
    """Store the run's rows: COPY of a vectorised CSV on PostgreSQL (bulk_create costs ~10x more)."""
    if connection.vendor != "postgresql":
        AccountScore.objects.bulk_create(
            [
                AccountScore(**{k: (None if pd.isna(v) else v) for k, v in row.items()})
                for row in rows.to_dict("records")
            ],
            batch_size=WRITE_BATCH,
        )
        return
    null = "\\N"
    frame = rows.assign(
        is_key=rows.is_key.map({True: "t", False: "f"}),
        scored=rows.scored.map({True: "t", False: "f"}),
        rule_key=rows.rule_key.map({True: "t", False: "f"}),
        was_key=rows.was_key.map({True: "t", False: "f"}).astype(object),
    )
    buffer = io.StringIO()
    frame[SCORE_COLUMNS].to_csv(buffer, header=False, index=False, na_rep=null)
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
            f"FROM {score} AS s WHERE s.account_id = {account}.id AND s.run_id = %s "
            # A monthly re-run changes few accounts: leave the others' rows (and indexes) alone.
            f"AND ({account}.segment IS DISTINCT FROM s.segment OR {account}.tier IS DISTINCT FROM s.tier "
            f"OR {account}.score IS DISTINCT FROM s.total_score OR {account}.is_key IS DISTINCT FROM s.is_key)",
            [run.pk],
        )
