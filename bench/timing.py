"""How the bench measures: median wall time of repeated runs, and the SQL queries of one run."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext

REPEAT = 25


def median_ms(action: Callable[[], object], repeat: int = REPEAT) -> float:
    action()  # warm up
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def query_count(action: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)
