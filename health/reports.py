"""Health figures other pages show: the slipping accounts (dashboard, weekly sponsor digest, /health/)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from accounts.models import Account
from health.analytics import slipping
from health.frames import history_frame, week_of
from health.models import HealthSnapshot

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
    """The accounts among `accounts` whose health fell most between the first and last snapshot weeks of the last
    `weeks` weeks; three queries."""
    week = week_of(today or timezone.localdate())
    # Only the window's first and last weeks are compared: two weeks of rows, not every week of every account.
    in_window = HealthSnapshot.objects.filter(week__gte=week - timedelta(weeks=weeks), week__lte=week)
    bounds = in_window.aggregate(first=Min("week"), last=Max("week"))
    if bounds["first"] is None or bounds["first"] == bounds["last"]:
        return []
    history = history_frame(
        account_ids=accounts.order_by().values("pk"), since=bounds["first"], weeks=[bounds["first"], bounds["last"]]
    )
    table = slipping(history, n=n)
    if table.empty:
        return []
    by_pk = Account.objects.in_bulk([int(pk) for pk in table.index])
    return [
        Slipping(account=by_pk[int(pk)], before=float(row.before), now=float(row.now), drop=float(row["drop"]))
        for pk, row in table.iterrows()
        if int(pk) in by_pk
    ]
