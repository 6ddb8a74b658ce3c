"""`make bench`: account health of 100,000 accounts computed and snapshotted, and the account page's health card.

Registered in bench/__main__.py; alone: `python -m bench.health` (a throw-away database, PostgreSQL when
DATABASE_URL is set). Every account gets two contacts (one a decision maker), three interactions and
every twentieth an open risk, so each signal has rows to read.
"""

from __future__ import annotations

import time
from datetime import timedelta

import numpy as np
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.timing import median_ms, query_count

HEALTH_ACCOUNTS = 100_000


def seed_health(n: int = HEALTH_ACCOUNTS) -> list[int]:
    """Top the register up to n accounts and give the first n contacts, interactions and risks."""
    from accounts.models import Account, Contact, Interaction
    from health.models import Risk

    missing = n - Account.objects.count()
    if missing > 0:
        Account.objects.bulk_create(
            [Account(name=f"Health bench {i:06d}", reference=f"H{i:06d}", is_key=i % 20 == 0) for i in range(missing)],
            batch_size=5000,
        )
    ids = list(Account.objects.order_by("pk").values_list("pk", flat=True)[:n])
    rng = np.random.default_rng(19)
    Contact.objects.bulk_create(
        [
            Contact(account_id=pk, name=f"Person {pk}-{j}", buying_role="decision_maker" if j == 0 else "user")
            for pk in ids
            for j in range(2)
        ],
        batch_size=5000,
    )
    deciders = dict(
        Contact.objects.filter(account_id__in=ids, buying_role="decision_maker").values_list("account_id", "pk")
    )
    today = timezone.localdate()
    kinds = ["meeting", "call", "email", "incident", "payment_issue"]
    Interaction.objects.bulk_create(
        [
            Interaction(
                account_id=pk,
                contact_id=deciders.get(pk) if j == 0 else None,
                kind=kinds[int(k)],
                summary="bench",
                occurred_on=today - timedelta(days=int(days)),
            )
            for pk in ids
            for j, (k, days) in enumerate(
                zip(rng.choice(5, 3, p=[0.5, 0.3, 0.15, 0.03, 0.02]), rng.integers(0, 400, 3), strict=True)
            )
        ],
        batch_size=5000,
    )
    Risk.objects.bulk_create(
        [Risk(account_id=pk, title="bench", category="other", likelihood=3, impact=3) for pk in ids[::20]],
        batch_size=5000,
    )
    return ids


def bench_health(*, client: Client, n: int = HEALTH_ACCOUNTS) -> list[tuple[str, float, int, str]]:
    from accounts.coverage import silence_days
    from accounts.models import Account
    from health import analytics
    from health.frames import health_inputs, health_weights, week_of
    from health.services import health_weekly, snapshots_write

    ids = seed_health(n)
    accounts = Account.objects.count()
    label = f"health of {accounts:,} accounts"
    today = timezone.localdate()
    start = time.perf_counter()
    raw = health_inputs(today=today)
    read_ms = (time.perf_counter() - start) * 1000
    weights = health_weights()
    maths_ms = median_ms(lambda: analytics.portfolio_health(raw, weights, silence_days=silence_days()), repeat=5)
    frame = analytics.portfolio_health(raw, weights, silence_days=silence_days())
    start = time.perf_counter()
    snapshots_write(health=frame["health"], week=week_of(today) - timedelta(weeks=1))
    write_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        result = health_weekly(today=today)
    weekly_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    again = health_weekly(today=today)
    rerun_ms = (time.perf_counter() - start) * 1000
    url = f"/accounts/{ids[0]}/"
    assert client.get(url).status_code == 200
    return [
        (f"{label}: read the signals ({len(raw):,} rows)", read_ms, 0, ""),
        (f"{label}: pandas maths only", maths_ms, 0, ""),
        (f"{label}: snapshot upsert", write_ms, 0, ""),
        (
            f"{label}: weekly job ({result['fired']:,} playbook firings)",
            weekly_ms,
            len(captured.captured_queries),
            "a few seconds",
        ),
        (f"{label}: weekly job re-run ({again['fired']} firings)", rerun_ms, 0, "a few seconds"),
        ("account page with its health card", median_ms(lambda: client.get(url)), query_count(lambda: client.get(url)),
         "< 50 ms"),
    ]  # fmt: skip


def main() -> None:
    import argparse
    import os

    parser = argparse.ArgumentParser(prog="python -m bench.health", description="Account health at scale.")
    parser.add_argument("--accounts", type=int, default=HEALTH_ACCOUNTS)
    n = parser.parse_args().accounts

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings_test")
    import django

    django.setup()
    from django.conf import settings

    from kam.roles import Role
    from kam.tests.factories import UserFactory

    settings.DEBUG = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        client = Client()
        client.force_login(UserFactory(username="bench-health", role=Role.KEY_ACCOUNT_MANAGER))
        rows = bench_health(client=client, n=n)
        print(f"\n{'measure':<62} {'median ms':>10} {'queries':>8}  target")
        for label, ms, queries, target in rows:
            print(f"{label:<62} {ms:>10.1f} {queries or '':>8}  {target}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
