"""`make bench`: the heavy pages as a ratio of a bare Django page measured in the same process and run.

The bare page (PERFORMANCE.md) is a minimal view that reads 50 accounts in one query and renders
them as a 50-row, 9-column table through base.html-free template code and the full middleware;
with the session and user lookups it makes 3 queries. Machines are noisy: the bare page is
measured before and after the product's pages and the median of all its runs is the reference.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches, include, path
from django.utils import timezone

from bench.timing import median_ms

BARE_URL = "/bench/bare/"
RATIO_TARGET = 2.0

_BARE_TEMPLATE = engines["django"].from_string(
    """<!DOCTYPE html><html lang="en"><head><title>Bare</title></head><body><table>
<thead><tr><th>Name</th><th>Reference</th><th>Country</th><th>City</th><th>Sector</th><th>Revenue</th>
<th>Potential</th><th>Key</th><th>Id</th></tr></thead><tbody>
{% for a in rows %}<tr><td><a href="/accounts/{{ a.pk }}/">{{ a.name }}</a></td><td>{{ a.reference }}</td>
<td>{{ a.country }}</td><td>{{ a.city }}</td><td>{{ a.sector }}</td><td>{{ a.last_year_revenue|floatformat:"0g" }}</td>
<td>{{ a.potential|default:"—" }}</td><td>{% if a.is_key %}yes{% else %}no{% endif %}</td><td>{{ a.pk }}</td></tr>
{% endfor %}</tbody></table></body></html>"""
)


def bare_page(request: HttpRequest) -> HttpResponse:
    from accounts.models import Account

    rows = list(Account.objects.order_by("name")[:50])
    return HttpResponse(_BARE_TEMPLATE.render({"rows": rows}, request))


# The bench's URLconf: the product's, plus the bare page (never part of the product).
urlpatterns = [path(BARE_URL.strip("/") + "/", bare_page), path("", include("kam.urls"))]


def use_bench_urls() -> None:
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.pages"
    clear_url_caches()


def measure(client: Client, url: str, *, repeat: int = 25, cold: bool = False) -> tuple[float, int]:
    """Median ms and query count of one page (asserting it answers 200). cold: the cache is emptied before each
    load, as after any change to the data the page shows (pages keep their HTML under the data stamp, kam.stamp)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)

    def load() -> None:
        if cold:
            cache.clear()
        client.get(url)

    with CaptureQueriesContext(connection) as captured:
        load()
    queries = len(captured.captured_queries)  # read now: the next request resets the query log
    return median_ms(load, repeat=repeat), queries


def seed_account(*, manager, account) -> str:
    """Fill the bench's key account like a busy one: a plan in force whose checkpoints and actions are
    due (so they are on the manager's worklist too), 40 contacts, 30 interactions. Returns the plan's URL."""
    from accounts.tests.factories import ContactFactory, InteractionFactory
    from plans.models import AccountPlan, Checkpoint, PlanStatus
    from plans.tests.factories import big_plan

    today = timezone.localdate()
    account.owner = manager
    account.save(update_fields=["owner"])
    plan = AccountPlan.objects.create(
        account=account,
        title="Bench plan in force",
        starts_on=today - timedelta(days=100),
        ends_on=today + timedelta(days=600),
        status=PlanStatus.ACTIVE,
    )
    big_plan(plan, objectives=10, checkpoints=4, actions=60, owner=manager)
    plan.actions.update(due_on=today + timedelta(days=3))
    Checkpoint.objects.filter(objective__plan=plan, actual=None).update(due_on=today - timedelta(days=1))
    for i in range(40):
        ContactFactory(account=account, name=f"Contact {i:02d}")
    for _ in range(30):
        InteractionFactory(account=account, author=manager)
    return plan.get_absolute_url()


def ratio_rows(
    *, bare_timings: list[float], pages: list[tuple[str, float, int]]
) -> tuple[float, list[tuple[str, float, float, int]]]:
    bare = sorted(bare_timings)[len(bare_timings) // 2]
    return bare, [(label, ms, ms / bare, queries) for label, ms, queries in pages]


def print_ratios(*, bare_ms: float, bare_queries: int, rows: list[tuple[str, float, float, int]]) -> None:
    print(f"\n{'page (same run as the bare page)':<62} {'median ms':>10} {'× bare':>7} {'queries':>8}  target")
    print(f"{'bare Django page: 50 rows x 9 cells, full middleware':<62} {bare_ms:>10.1f} {1:>7.2f} {bare_queries:>8}")
    for label, ms, ratio, queries in rows:
        print(f"{label:<62} {ms:>10.1f} {ratio:>7.2f} {queries:>8}  ≤ {RATIO_TARGET:g}×")
