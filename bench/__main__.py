"""`make bench` (`python -m bench`): speed of the pages and jobs that grow with the portfolio.

Builds a throw-away test database (SQLite in memory, or PostgreSQL when
DATABASE_URL is set), seeds a large portfolio and prints medians. Targets are
reported next to each figure; nothing here fails a build.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings_test")

import django

django.setup()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.api import bench_api_listing  # noqa: E402
from bench.dashboard import bench_dashboard  # noqa: E402
from bench.growth import bench_growth  # noqa: E402
from bench.growth_portfolio import bench_growth_portfolio  # noqa: E402
from bench.health import bench_health  # noqa: E402
from bench.my_work import bench_my_work  # noqa: E402
from bench.pages import BARE_URL, measure, print_ratios, ratio_rows, seed_account, use_bench_urls  # noqa: E402
from bench.plans import bench_plan_pdf  # noqa: E402
from bench.timing import median_ms, query_count  # noqa: E402

ACCOUNTS = 10_000
YEARS = 5


def seed_portfolio(owner) -> None:
    from accounts.models import Account, YearlyFinancial
    from accounts.services import financials_refresh

    rng = np.random.default_rng(7)
    countries = ["FR", "DE", "GB", "ES", "IT", "US", "BE", "NL"]
    Account.objects.bulk_create(
        [
            Account(
                name=f"Bench account {i:05d}",
                reference=f"B{i:05d}",
                country=countries[i % 8],
                sector=f"Sector {i % 12}",
                owner=owner if i % 4 == 0 else None,
                is_key=i % 20 == 0,
            )
            for i in range(ACCOUNTS)
        ],
        batch_size=2000,
    )
    last_year = date.today().year - 1
    ids = list(Account.objects.values_list("pk", flat=True))
    revenue = rng.lognormal(11.5, 1.3, size=len(ids))
    YearlyFinancial.objects.bulk_create(
        [
            YearlyFinancial(account_id=pk, year=last_year - age, revenue=Decimal(f"{base * (0.95**age):.2f}"))
            for pk, base in zip(ids, revenue, strict=True)
            for age in range(YEARS)
        ],
        batch_size=5000,
    )
    financials_refresh()


def bench_pages(client: Client, account_pk: int) -> list[tuple[str, float, int, str]]:
    pages = [
        ("register, unfiltered (50 rows)", "/accounts/"),
        ("register, filtered + sorted", "/accounts/?country=FR&key=no&sort=-revenue"),
        ("register, search", "/accounts/?q=account+0042"),
        ("account page", f"/accounts/{account_pk}/"),
    ]
    results = []
    for label, url in pages:
        assert client.get(url).status_code == 200, url
        results.append(
            (label, median_ms(lambda url=url: client.get(url)), query_count(lambda url=url: client.get(url)), "< 50 ms")
        )
    return results


def bench_imports(user) -> list[tuple[str, float, int, str]]:
    from accounts.importing import ImportKind, apply_import, guess_mapping, read_table

    rng = np.random.default_rng(11)
    accounts_csv = pd.DataFrame(
        {
            "Code client": [f"IMP{i:05d}" for i in range(10_000)],
            "Raison sociale": [f"Société importée {i:05d}" for i in range(10_000)],
            "Pays": ["France"] * 10_000,
            "Ville": ["Lyon"] * 10_000,
            "Potentiel": [f"{v:.2f}".replace(".", ",") for v in rng.lognormal(12, 1, 10_000)],
        }
    ).to_csv(sep=";", index=False)
    lines = 100_000
    transactions_csv = pd.DataFrame(
        {
            "InvoiceNo": rng.integers(500000, 600000, lines).astype(str),
            "CustomerID": [f"IMP{i:05d}" for i in rng.integers(0, 10_000, lines)],
            "InvoiceDate": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 700, lines), unit="D"),
            "Quantity": rng.integers(1, 50, lines),
            "UnitPrice": rng.uniform(0.5, 80, lines).round(2),
        }
    ).to_csv(index=False)
    results = []
    for label, data, name, kind in (
        ("import 10,000 account rows", accounts_csv.encode("cp1252"), "accounts.csv", ImportKind.ACCOUNTS),
        ("import 100,000 transaction lines", transactions_csv.encode(), "lines.csv", ImportKind.TRANSACTIONS),
    ):
        start = time.perf_counter()
        frame = read_table(data=data, filename=name, max_bytes=200 * 1024 * 1024)
        mapping = guess_mapping(columns=[c for c in frame.columns if c != "line"], kind=kind)
        result = apply_import(frame=frame, mapping=mapping, kind=kind, user=user)
        elapsed = (time.perf_counter() - start) * 1000
        results.append((f"{label} ({result.created} created, {result.updated} updated)", elapsed, 0, "< 10,000 ms"))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Seed a throw-away database with a large portfolio and print the median time and queries of "
        "the pages and jobs that grow with it, next to their targets (PERFORMANCE.md). Takes several minutes. "
        "`python -m bench.analytics` times the scoring maths alone.",
    )
    parser.add_argument("--pages", action="store_true", help="only the pages and their ratio to a bare page")
    only_pages = parser.parse_args().pages
    from kam.roles import Role
    from kam.tests.factories import UserFactory

    # Production-like: no query logging, cached templates, no test instrumentation
    # of template rendering (which copies every context and would triple the time).
    settings.DEBUG = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        manager = UserFactory(username="bench-manager", role=Role.KEY_ACCOUNT_MANAGER)
        start = time.perf_counter()
        seed_portfolio(manager)
        seconds = time.perf_counter() - start
        print(f"Seeded {ACCOUNTS:,} accounts x {YEARS} years on {connection.vendor} in {seconds:.1f} s")
        client = Client()
        client.force_login(manager)
        from accounts.models import Account

        key_account = Account.objects.filter(is_key=True).first()
        # The dashboard first, while the portfolio is the 10,000 seeded accounts.
        use_bench_urls()
        bare_timings = [measure(client, BARE_URL)[0] for _ in range(3)]
        bare_queries = measure(client, BARE_URL, repeat=1)[1]
        plan_url = seed_account(manager=manager, account=key_account)
        with connection.cursor() as cursor:  # statistics of the fresh tables, as autovacuum would gather them
            cursor.execute("ANALYZE")
        pages = [(label, ms, queries) for label, ms, queries, _target in bench_pages(client, key_account.pk)]
        # The account page keeps its to-do list under the data stamp: measured afresh too.
        pages.append(("account page, nothing cached", *measure(client, f"/accounts/{key_account.pk}/", cold=True)))
        for label, url in (("plan page (10 objectives, 60 actions)", plan_url), ("worklist (home page)", "/")):
            pages.append((label, *measure(client, url)))
            pages.append((f"{label}, nothing cached", *measure(client, url, cold=True)))
        pages += [(label, ms, queries) for label, ms, queries, _t in bench_dashboard(client=client, manager=manager)]
        bare_timings += [measure(client, BARE_URL)[0] for _ in range(3)]
        bare_ms, page_rows = ratio_rows(bare_timings=bare_timings, pages=pages)
        print_ratios(bare_ms=bare_ms, bare_queries=bare_queries, rows=page_rows)
        if only_pages:
            return
        rows = bench_pages(client, key_account.pk) + bench_dashboard(client=client, manager=manager)
        rows += bench_api_listing(manager=manager)  # before the imports add accounts: exactly 10,000
        rows += bench_growth_portfolio(manager=manager)  # 10,000 accounts too, before the imports
        rows += bench_imports(manager) + bench_segmentation()
        rows += bench_plan_pdf(client=client, manager=manager, account=key_account)
        rows += bench_my_work(client=client, manager=manager)
        rows += bench_health(client=client)
        rows += bench_growth()
        print(f"\n{'measure':<62} {'median ms':>10} {'queries':>8}  target")
        for label, ms, queries, target in rows:
            print(f"{label:<62} {ms:>10.1f} {queries or '':>8}  {target}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


SEGMENTATION_ACCOUNTS = 100_000


def bench_segmentation() -> list[tuple[str, float, int, str]]:
    """A whole re-segmentation of 100,000 accounts on 8 criteria: read, score, write, make current."""
    from accounts.models import Account
    from scoring.analytics import score_portfolio
    from scoring.models import Criterion, Rating
    from scoring.services import _raw_frame, _specs, segmentation_execute, segmentation_run_request
    from scoring.sources import portfolio_frame

    rng = np.random.default_rng(3)
    n = SEGMENTATION_ACCOUNTS
    revenue = rng.lognormal(11.5, 1.3, n)
    Account.objects.bulk_create(
        [
            Account(
                name=f"Segment bench {i:06d}",
                reference=f"S{i:06d}",
                last_year_revenue=Decimal(f"{r:.2f}"),
                potential=Decimal(f"{r * g:.2f}"),
                revenue_growth=Decimal(f"{d:.1f}"),
                employees=int(e),
            )
            for i, (r, g, d, e) in enumerate(
                zip(revenue, rng.uniform(1, 4, n), rng.normal(4, 12, n), rng.lognormal(5, 1.4, n), strict=True)
            )
        ],
        batch_size=5000,
    )
    sources = [
        ("Revenue", "value", "last_year_revenue"),
        ("Share of wallet", "value", "share_of_wallet"),
        ("Growth", "potential", "revenue_growth"),
        ("Headroom", "potential", "headroom"),
        ("Potential", "potential", "potential"),
        ("Employees", "fit", "employees"),
        ("Fit", "fit", "manual"),
        ("Image", "image", "manual"),
    ]
    for name, axis, source in sources:
        Criterion.objects.create(
            name=name,
            axis=axis,
            weight=10,
            source=source,
            normalisation="fixed" if source == "manual" else "percentile",
        )
    ids = list(Account.objects.filter(reference__startswith="S").values_list("pk", flat=True))
    manual = list(Criterion.objects.filter(source="manual"))
    Rating.objects.bulk_create(
        [
            Rating(account_id=pk, criterion=c, value=int(v), justification="bench")
            for c in manual
            for pk, v in zip(ids, rng.integers(0, 11, len(ids)), strict=True)
        ],
        batch_size=5000,
    )
    criteria = list(Criterion.objects.filter(is_active=True))
    start = time.perf_counter()
    raw = _raw_frame(criteria, portfolio_frame())
    read_ms = (time.perf_counter() - start) * 1000
    scoring_ms = median_ms(lambda: score_portfolio(raw, _specs(criteria)), repeat=5)
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        run = segmentation_execute(run=segmentation_run_request())
    total_ms = (time.perf_counter() - start) * 1000
    assert run.status == "done", run.error
    # The monthly re-run: same data, so no account's standing changes and only the run's rows are written.
    start = time.perf_counter()
    rerun = segmentation_execute(run=segmentation_run_request())
    rerun_ms = (time.perf_counter() - start) * 1000
    assert rerun.status == "done", rerun.error
    label = f"segmentation of {len(ids):,} accounts x 8 criteria"
    return [
        (f"{label}: read raw values", read_ms, 0, ""),
        (f"{label}: pandas scoring only", scoring_ms, 0, ""),
        (f"{label}: end to end, every account changes", total_ms, len(captured.captured_queries), "< 10,000 ms"),
        (f"{label}: end to end, re-run with no change", rerun_ms, 0, "< 10,000 ms"),
    ]


if __name__ == "__main__":
    main()
