"""Health's writes: the weekly snapshot of a whole portfolio, the risk register, playbook actions done."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from accounts.coverage import silence_days
from health import analytics
from health.frames import health_inputs, health_weights, history_frame, portfolio_health_now, week_of
from health.models import HealthSnapshot, PlaybookAction, PlaybookActionStatus, Risk, RiskStatus
from kam.models import User

SNAPSHOT_BATCH = 5000


def _snapshots_copy(*, health: pd.Series, week: date) -> int:
    """PostgreSQL: upsert the week's rows of these accounts from one COPY (bulk_create's upsert is ~50× slower).

    Only a changed score is written, so a re-run in the same week leaves unchanged rows (and their indexes) alone.
    """
    buffer = io.StringIO()
    frame = pd.DataFrame({"account_id": health.index.astype("int64"), "week": week.isoformat(), "score": health.values})
    frame.to_csv(buffer, index=False, header=False, na_rep="\\N", sep="\t")
    buffer.seek(0)
    table = HealthSnapshot._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE health_snapshot_load (account_id bigint, week date, score double precision)"
        )
        cursor.copy_expert("COPY health_snapshot_load (account_id, week, score) FROM STDIN", buffer)
        cursor.execute(
            f"INSERT INTO {table} AS s (account_id, week, score)"  # noqa: S608 - our table name
            " SELECT account_id, week, score FROM health_snapshot_load"
            " ON CONFLICT (account_id, week) DO UPDATE SET score = EXCLUDED.score"
            " WHERE s.score IS DISTINCT FROM EXCLUDED.score"
        )
        cursor.execute("DROP TABLE health_snapshot_load")  # a rollback drops it too (DDL is transactional here)
    return len(frame)


def snapshots_write(*, health: pd.Series, week: date) -> int:
    """Upsert one week's index for every account in `health` (account id → score or NaN)."""
    if connection.vendor == "postgresql" and len(health) > SNAPSHOT_BATCH:
        return _snapshots_copy(health=health, week=week)
    rows = [
        HealthSnapshot(account_id=int(pk), week=week, score=None if pd.isna(score) else float(score))
        for pk, score in health.items()
    ]
    with transaction.atomic():
        HealthSnapshot.objects.bulk_create(
            rows,
            batch_size=SNAPSHOT_BATCH,
            update_conflicts=True,
            unique_fields=["account", "week"],
            update_fields=["score"],
        )
    return len(rows)


def health_snapshot_portfolio(*, today: date | None = None) -> pd.DataFrame:
    """Compute every account's health now and keep it as this week's snapshot (a re-run replaces it)."""
    today = today or timezone.localdate()
    frame = portfolio_health_now(today=today)
    snapshots_write(health=frame["health"], week=week_of(today))
    return frame


def previous_health(*, week: date) -> pd.Series:
    """Each account's latest snapshot before `week` (within five weeks), by account id."""
    history = history_frame(since=week - timedelta(days=35))
    history = history[history.week < week].sort_values(["account_id", "week"])
    return history.groupby("account_id").score.last().astype(float)


def health_weekly(*, today: date | None = None) -> dict[str, int]:
    """The weekly job: every account's health computed at once, kept as this week's snapshot, then the playbooks."""
    from health.playbooks import playbooks_run

    today = today or timezone.localdate()
    week = week_of(today)
    previous = previous_health(week=week)
    raw = health_inputs(today=today)
    frame = analytics.portfolio_health(raw, health_weights(), silence_days=silence_days())
    written = snapshots_write(health=frame["health"], week=week)
    fired = playbooks_run(today=today, raw=raw, current=frame["health"].dropna(), previous=previous, week=week)
    return {"accounts": written, "fired": len(fired)}


def risk_save(*, risk: Risk, by: User, actions: list | None = None) -> Risk:
    """Save a risk from its form: the closing date follows the status; mitigation actions replace the old ones."""
    with transaction.atomic():
        if risk.status == RiskStatus.CLOSED and risk.closed_on is None:
            risk.closed_on = timezone.localdate()
        elif risk.status != RiskStatus.CLOSED:
            risk.closed_on = None
        if risk.pk is None:
            risk.created_by = by
        risk.save()
        if actions is not None:
            risk.mitigation_actions.set(actions)
    return risk


def playbook_action_complete(*, action: PlaybookAction, done: bool = True) -> PlaybookAction:
    action.status = PlaybookActionStatus.DONE if done else PlaybookActionStatus.OPEN
    action.done_at = timezone.now() if done else None
    action.save(update_fields=["status", "done_at"])
    return action


def health_defaults_ensure() -> int:
    """Put the default weights and playbooks back when there are none at all (a new or flushed database)."""
    from health.defaults import DEFAULT_PLAYBOOKS, DEFAULT_WEIGHTS
    from health.models import HealthWeight, Playbook, PlaybookStep

    created = 0
    if not HealthWeight.objects.exists():
        HealthWeight.objects.bulk_create([HealthWeight(signal=s, weight=w) for s, w in DEFAULT_WEIGHTS.items()])
        created += len(DEFAULT_WEIGHTS)
    if not Playbook.objects.exists():
        for name, trigger, threshold, key_only, why, steps in DEFAULT_PLAYBOOKS:
            playbook = Playbook.objects.create(
                name=name, trigger=trigger, threshold=threshold, key_accounts_only=key_only, why=why
            )
            PlaybookStep.objects.bulk_create(
                [
                    PlaybookStep(
                        playbook=playbook, kind=kind, assignee=assignee, title=title, due_in_days=due,
                        risk_category=category, position=position,
                    )
                    for position, (kind, assignee, title, due, category) in enumerate(steps)
                ]
            )  # fmt: skip
            created += 1
    return created
