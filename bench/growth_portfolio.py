"""`make bench`: the whitespace over the whole portfolio (10,000 accounts × 20 lines), as the dashboard's heat map
and top untouched cells and the scoring source compute it. `python -m bench.growth_portfolio` runs it alone on a
throw-away database (SQLite in memory, or PostgreSQL when DATABASE_URL is set).
"""

from __future__ import annotations

import os
import time
from decimal import Decimal

import numpy as np

from bench.timing import median_ms, query_count

LINES = 20
SEGMENTS = ["loyal_core", "high_potential", "large_flat", "small", ""]


def seed_lines(*, year: int, seed: int = 13) -> int:
    """20 lines; every account of the register gets a sector, a size, a segment and buys 0–10 lines in `year`;
    a few have open deals, entered potentials and marks. Returns the revenue rows written."""
    from accounts.models import Account, Deal, DealOutcome, FinancialYearSetting, LineRevenue, ProductLine
    from growth.models import LinePotential, MarkKind, WhitespaceMark

    rng = np.random.default_rng(seed)
    lines = ProductLine.objects.bulk_create([ProductLine(name=f"Bench line {i:02d}") for i in range(LINES)])
    line_ids = [line.pk for line in lines]
    ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    accounts = [
        Account(pk=pk, sector=f"Sector {i % 12}", employees=int(e), segment=SEGMENTS[i % 5])
        for i, (pk, e) in enumerate(zip(ids, rng.lognormal(5, 1.4, len(ids)), strict=True))
    ]
    Account.objects.bulk_update(accounts, ["sector", "employees", "segment"], batch_size=2000)
    # Popular lines are bought more often, as in a real catalogue.
    popularity = np.linspace(0.6, 0.05, LINES)
    bought = rng.random((len(ids), LINES)) < popularity
    revenue = [
        LineRevenue(account_id=ids[i], line_id=line_ids[j], year=year, revenue=Decimal(f"{rng.lognormal(9, 1):.2f}"))
        for i, j in zip(*np.nonzero(bought), strict=True)
    ]
    LineRevenue.objects.bulk_create(revenue, batch_size=5000)
    picks = rng.choice(len(ids), size=600, replace=False)
    Deal.objects.bulk_create(
        [
            Deal(
                account_id=ids[i],
                external_id=f"BL{i}",
                stage="Proposal",
                outcome=DealOutcome.OPEN,
                amount=5000,
                line_id=line_ids[int(i) % LINES],
            )
            for i in picks[:200]
        ]
    )
    LinePotential.objects.bulk_create(
        [
            LinePotential(account_id=ids[i], line_id=line_ids[(int(i) + 3) % LINES], amount=25000, reason="Bench")
            for i in picks[200:400]
        ]
    )
    WhitespaceMark.objects.bulk_create(
        [
            WhitespaceMark(account_id=ids[i], line_id=line_ids[(int(i) + 5) % LINES], kind=MarkKind.COMPETITOR)
            for i in picks[400:]
        ]
    )
    FinancialYearSetting.objects.update_or_create(pk=1, defaults={"fixed_year": year})
    return len(revenue)


def bench_growth_portfolio(*, manager, year: int = 2025) -> list[tuple[str, float, int, str]]:
    from accounts.models import Account
    from growth import analytics, frames
    from growth.dashboard import whitespace_board_read
    from growth.models import PeerSettings
    from growth.portfolio import lines_bought_source, portfolio_whitespace, whitespace_source
    from scoring.sources import portfolio_frame

    rows_written = seed_lines(year=year)
    accounts = Account.objects.all()
    count = accounts.count()
    base = portfolio_frame()
    settings = PeerSettings.load()
    profiles = frames.peer_profile_frame(settings=settings)
    revenue = frames.revenue_frame(year=year)
    label = f"whitespace, {count:,} accounts x {LINES} lines ({rows_written:,} revenue rows)"

    def estimates() -> object:
        return analytics.peer_estimates(profiles, revenue, edges=settings.size_edges, min_peers=settings.min_peers)

    board = lambda: whitespace_board_read(accounts=accounts, user=manager)  # noqa: E731
    return [
        (f"{label}: peer estimates, pandas only", median_ms(estimates, repeat=9), 0, ""),
        (
            f"{label}: read frames + cells",
            median_ms(lambda: portfolio_whitespace(account_ids=base.index), repeat=5),
            query_count(lambda: portfolio_whitespace(account_ids=base.index)),
            "",
        ),
        (f"{label}: dashboard heat map + top cells", median_ms(board, repeat=5), query_count(board), "< 500 ms"),
        (
            f"{label}: scoring source, whitespace by line",
            median_ms(lambda: whitespace_source(base), repeat=5),
            query_count(lambda: whitespace_source(base)),
            "< 500 ms",
        ),
        (
            f"{label}: scoring source, lines bought",
            median_ms(lambda: lines_bought_source(base), repeat=5),
            query_count(lambda: lines_bought_source(base)),
            "",
        ),
    ]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings_test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from accounts.models import Account
    from kam.roles import Role
    from kam.tests.factories import UserFactory

    settings.DEBUG = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        manager = UserFactory(username="bench-manager", role=Role.KEY_ACCOUNT_MANAGER)
        start = time.perf_counter()
        Account.objects.bulk_create([Account(name=f"Bench account {i:05d}") for i in range(10_000)], batch_size=2000)
        rows = bench_growth_portfolio(manager=manager)
        print(f"Seeded and measured on {connection.vendor} in {time.perf_counter() - start:.1f} s")
        print(f"\n{'measure':<90} {'median ms':>10} {'queries':>8}  target")
        for label, ms, queries, target in rows:
            print(f"{label:<90} {ms:>10.1f} {queries or '':>8}  {target}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
