"""`make bench` figures for account plans: the PDF of a realistic plan and the plan page."""

from __future__ import annotations

import time
from datetime import date

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def bench_plan_pdf(*, client: Client, manager, account) -> list[tuple[str, float, int, str]]:
    """10 objectives, 40 checkpoints, 60 actions: PDF time (target < 2 s) and the plan page."""
    from plans.models import AccountPlan
    from plans.pdf import plan_pdf_render
    from plans.tests.factories import big_plan

    account.owner = manager
    account.save(update_fields=["owner"])
    plan = AccountPlan.objects.create(
        account=account, title="Bench plan", starts_on=date(2027, 1, 1), ends_on=date(2028, 12, 31)
    )
    big_plan(plan, objectives=10, checkpoints=4, actions=60, owner=manager)
    plan_pdf_render(plan=plan, language="en")  # warm up: WeasyPrint import, fonts
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        data = plan_pdf_render(plan=plan, language="en")
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    url = f"/plans/{plan.pk}/"
    client.get(url)
    page_timings = []
    for _ in range(10):
        start = time.perf_counter()
        client.get(url)
        page_timings.append((time.perf_counter() - start) * 1000)
    page_timings.sort()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return [
        (
            f"plan PDF, 10 objectives / 40 checkpoints / 60 actions ({len(data) // 1024} KB)",
            timings[2],
            0,
            "< 2,000 ms",
        ),
        ("plan page, same plan", page_timings[5], len(captured.captured_queries), "< 100 ms"),
    ]
