"""A cheap, exact "last change" stamp of the product's data, and HTML cached under it across web processes.

A statement-level trigger on every table of the tracked apps (and on users, whose names pages show) records the
writing transaction's id in DataChange (one row per transaction, no lock shared between writers), whatever wrote:
the ORM, bulk_create, queryset.update, COPY, raw SQL, TRUNCATE. The stamp is the newest id recorded. It is only
given when no transaction of this database with an older id is still running (an older writer could still commit
without moving the stamp, and a page cached under it would miss that write), and never inside a transaction that
has written (its changes are not everyone's yet). Read the stamp before the data: whatever is read after it is at
least as new as the stamp says.

PostgreSQL only; on another database there is no stamp and nothing is cached. Running transactions are found in
pg_stat_activity, which shows a session's transaction id only to its own role (or to pg_read_all_stats): every
process of the app must connect as the same role, as they do.

Notifications, sessions, audit and outbox rows are not tracked: they change all the time and the pages that
cache (dashboard, worklist, plan page) read them outside the cached part, if at all.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from functools import lru_cache

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.template.backends.utils import csrf_input
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# Apps whose tables the cached pages read (accounts, financials, contacts, runs and scores, plans, reviews,
# surveys, whitespace, health, shared plans), and users (names of owners and authors). Roles are part of the
# cache key instead.
TRACKED_APPS = ("accounts", "scoring", "plans", "surveys", "growth", "health", "sharing")
TRACKED_MODELS = ("kam.User",)
FUNCTION = "portfolio_datachange_record"  # as named in _FUNCTION_SQL
TRIGGER = "portfolio_datachange"

_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION portfolio_datachange_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO portfolio_datachange (txid) VALUES (txid_current()) ON CONFLICT (txid) DO NOTHING;
    RETURN NULL;
END $$;
"""


def tracked_tables() -> list[str]:
    tables = {
        model._meta.db_table
        for label in TRACKED_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    tables |= {apps.get_model(label)._meta.db_table for label in TRACKED_MODELS}
    return sorted(tables)


def triggers_install(*, using: str = "default") -> int:
    """(Re)create the trigger on every tracked table; idempotent, run after each migrate. Returns the tables."""
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "postgresql":
        return 0
    tables = tracked_tables()
    with conn.cursor() as cursor:
        cursor.execute(_FUNCTION_SQL)
        for table in tables:
            quoted = conn.ops.quote_name(table)
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quoted}")
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quoted} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )
    return len(tables)


# Transaction ids in pg_stat_activity are 32-bit and wrap around: compare their ages, not their values.
_STAMP_SQL = """
SELECT newest,
       txid_current_if_assigned() IS NOT NULL
       OR EXISTS (
           SELECT 1 FROM pg_stat_activity AS running
           WHERE running.datname = current_database() AND running.backend_xid IS NOT NULL
             AND age(running.backend_xid) > age((newest % 4294967296)::text::xid)
       )
FROM (SELECT coalesce(max(txid), 0) AS newest FROM portfolio_datachange) AS changes
"""


def data_stamp() -> str | None:
    """The newest finished change, or None when it cannot be told (another database, an older writer running)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(_STAMP_SQL)
        newest, unsettled = cursor.fetchone()
    return None if unsettled else str(newest)


def data_changes_prune() -> int:
    """Forget every recorded change but the newest (the stamp reads only that one); returns how many went.

    Rows of writers still running are not seen, so not deleted: they show up when those commit, as they must.
    """
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM portfolio_datachange WHERE txid < (SELECT max(txid) FROM portfolio_datachange)")
        return cursor.rowcount


_CODE_SUFFIXES = (".py", ".html", ".mo")
_NOT_CODE = {".venv", "venv", "node_modules", "staticfiles", "media", "tools", "tests", "e2e", "bench", ".git"}


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the product's code, templates and translations, the same in every process running the same
    release: a page rendered by the previous release is not served by this one (~10 ms, once per process)."""
    digest = hashlib.sha256()
    for folder, subfolders, files in os.walk(settings.BASE_DIR):
        subfolders[:] = sorted(name for name in subfolders if name not in _NOT_CODE)
        for name in sorted(files):
            if name.endswith(_CODE_SUFFIXES):
                path = os.path.join(folder, name)
                digest.update(os.path.relpath(path, settings.BASE_DIR).encode())
                with open(path, "rb") as source:
                    digest.update(source.read())
    return digest.hexdigest()[:16]


# A cached page is only found again under the same stamp; the timeout just frees the memory of old ones.
CACHE_SECONDS = 15 * 60
# Where a cached fragment's forms take the request's CSRF field: a token must never be cached (it is the
# session's), so fragments are rendered with this in `csrf_input` and stamped_html puts the reader's in.
CSRF_SLOT = mark_safe("<!--kam:csrf-input-->")


_NOT_READ = object()


def _request_stamp(request: HttpRequest | None) -> str | None:
    if request is None:
        return data_stamp()
    stamp = getattr(request, "_kam_data_stamp", _NOT_READ)
    if stamp is _NOT_READ:
        stamp = request._kam_data_stamp = data_stamp()  # type: ignore[attr-defined]
    return stamp  # type: ignore[return-value]


def stamped_html(
    *, name: str, about: str, render: Callable[[str | None], str], request: HttpRequest | None = None
) -> SafeString:
    """The HTML `render(stamp)` returns, from the cache shared by every web process while nothing tracked has
    changed, else rendered and cached. The key holds `name`, `about` (everything else the HTML depends on: the
    reader, their roles and rights, the objects shown), the language, the day, the stamp and the code's version.

    Without a stamp (another database, an older writer running) the HTML is rendered and not cached. Given the
    request, each CSRF_SLOT in the HTML becomes the request's CSRF field, and the stamp is read once for all the
    request's fragments: whatever a later fragment reads is still at least as new as it.
    """
    stamp = _request_stamp(request)  # before reading anything: what is read next is at least this new
    key = html = None
    if stamp is not None:
        whole = f"{name}|{about}|{get_language()}|{timezone.localdate()}|{stamp}|{code_version()}"
        key = f"kam:html:{name}:" + hashlib.sha256(whole.encode()).hexdigest()
        html = cache.get(key)
    if html is None:
        html = str(render(stamp))
        if key is not None:
            cache.set(key, html, CACHE_SECONDS)
    if request is not None:
        html = html.replace(CSRF_SLOT, str(csrf_input(request)))
    return mark_safe(html)  # noqa: S308 - rendered by our own templates, which escape what they show
