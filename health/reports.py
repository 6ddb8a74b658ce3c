"""Health figures other pages show: the slipping accounts (dashboard, weekly sponsor digest, /health/)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Account
from health.analytics import slipping
from health.frames import history_frame, week_of

SLIPPING_WEEKS = 4


@dataclass(frozen=True)
class Slipping:
    account: Account
    before: float
    now: float
    drop: float


def slipping_accounts(
    *, accounts: QuerySet[Account], today: date | None = None, n: int = 10, weeks: int = SLIPPING_WEEKS
) -> list[Slipping]:
    """The accounts among `accounts` whose health fell most over the last `weeks` weeks of snapshots; 2 queries."""
    week = week_of(today or timezone.localdate())
    history = history_frame(account_ids=accounts.order_by().values("pk"), since=week - timedelta(weeks=weeks))
    table = slipping(history, n=n)
    if table.empty:
        return []
    by_pk = Account.objects.in_bulk([int(pk) for pk in table.index])
    return [
        Slipping(account=by_pk[int(pk)], before=float(row.before), now=float(row.now), drop=float(row["drop"]))
        for pk, row in table.iterrows()
        if int(pk) in by_pk
    ]
