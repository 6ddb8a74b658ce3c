"""`make bench`: the executive dashboard on the bench portfolio (10,000 accounts with a finished run)."""

from __future__ import annotations

import numpy as np
from django.core.cache import cache
from django.db.models import F
from django.test import Client
from django.utils import timezone

from bench.timing import median_ms, query_count


def bench_dashboard(*, client: Client, manager) -> list[tuple[str, float, int, str]]:
    from accounts.models import Account
    from scoring.models import AccountScore, RunStatus, SegmentationRun

    rng = np.random.default_rng(5)
    segments = ["loyal_core", "high_potential", "large_flat", "small"]
    Account.objects.update(potential=F("last_year_revenue") * 2)
    ids = list(Account.objects.order_by("pk").values_list("pk", "is_key"))
    run = SegmentationRun.objects.create(status=RunStatus.DONE, finished_at=timezone.now())
    AccountScore.objects.bulk_create(
        [
            AccountScore(
                run=run,
                account_id=pk,
                value_score=float(value),
                potential_score=float(potential),
                segment=segments[i % 4],
                previous_segment=segments[(i // 7) % 4],
                is_key=is_key,
                was_key=bool(i % 30 == 0),
            )
            for i, ((pk, is_key), value, potential) in enumerate(
                zip(ids, rng.uniform(0, 100, len(ids)), rng.uniform(0, 100, len(ids)), strict=True)
            )
        ],
        batch_size=5000,
    )
    Account.objects.filter(pk__in=[pk for pk, _key in ids[::4]]).update(executive_sponsor=manager)
    rows = []
    for label, url, cold in (
        (f"dashboard, whole portfolio ({len(ids):,} accounts)", "/dashboard/", False),
        ("dashboard, filtered (one country)", "/dashboard/?country=FR", False),
        # The same pages computed afresh (as after any change to the data): the cache is emptied before each load.
        ("dashboard, whole portfolio, nothing cached", "/dashboard/", True),
        ("dashboard, one country, nothing cached", "/dashboard/?country=FR", True),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        size = len(response.content) / 1024
        load = (lambda url=url: (cache.clear(), client.get(url))) if cold else (lambda url=url: client.get(url))
        rows.append((f"{label}, {size:,.0f} KB", median_ms(load, repeat=9), query_count(load), "< 300 ms"))
    return rows
