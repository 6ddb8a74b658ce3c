"""`make bench` figures for the REST API: the whole register (10,000 accounts) read in pages of 500.

Cursor pagination makes each page a keyset query (`WHERE id > last ORDER BY id LIMIT 500`), so the last
page should cost what the first does; OFFSET pagination would grow with the depth.
`python -m bench.api` measures this alone.
"""

from __future__ import annotations

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

PAGE_SIZE = 500
PASSES = 3


def bench_api_listing(*, manager) -> list[tuple[str, float, int, str]]:
    """Walk /api/v1/accounts/ by `next` links PASSES times; per-page medians of the first, middle and last pages."""
    from rest_framework.test import APIClient

    from accounts.models import Account
    from api.tokens import token_create

    _row, token = token_create(user=manager, name="bench", scope="read")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    total = Account.objects.count()
    passes: list[list[float]] = []
    queries = 0
    for number in range(PASSES + 1):  # the first pass warms up
        url: str | None = f"/api/v1/accounts/?page_size={PAGE_SIZE}"
        timings, seen = [], 0
        while url:
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.content[:200]
            body = response.json()
            seen += len(body["results"])
            url = body["next"]
            queries = max(queries, len(captured.captured_queries))
        assert seen == total, (seen, total)
        if number:
            passes.append(timings)
    per_page = [statistics.median(times) for times in zip(*passes, strict=True)]
    pages = len(per_page)
    first, middle, last = per_page[0], per_page[pages // 2], per_page[-1]
    label = f"API: {total:,} accounts in {pages} pages of {PAGE_SIZE}"
    return [
        (f"{label}, page 1", first, queries, ""),
        (f"{label}, page {pages // 2 + 1}", middle, queries, ""),
        (f"{label}, page {pages} (last/first = {last / first:.2f})", last, queries, "steady: ratio ≈ 1"),
        (f"{label}, whole walk", sum(per_page), 0, ""),
    ]


def main() -> None:
    from django.conf import settings

    from bench.__main__ import seed_portfolio
    from kam.roles import Role
    from kam.tests.factories import UserFactory

    settings.DEBUG = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        manager = UserFactory(username="bench-manager", role=Role.KEY_ACCOUNT_MANAGER)
        seed_portfolio(manager)
        for label, ms, queries, target in bench_api_listing(manager=manager):
            print(f"{label:<62} {ms:>10.1f} {queries or '':>8}  {target}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    import bench.__main__  # noqa: F401  sets Django up, as `python -m bench` does

    main()
