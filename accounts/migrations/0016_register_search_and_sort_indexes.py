"""Indexes for the register's search and its "largest first" sorts, and the worklist's "Your accounts", on
PostgreSQL only.

- The search (`name icontains` or `reference iexact`, see accounts.filters) scanned every account
  twice per page (count and rows): a trigram index on UPPER(name) and a B-tree on UPPER(reference)
  answer both sides of the OR, the expressions Django writes for icontains and iexact.
- "Revenue, largest first" and "Growth, highest first" sort DESC NULLS LAST, then by name: the
  existing index on revenue is DESC NULLS FIRST, so PostgreSQL sorted every matching account; an
  index in the sort's own order lets it read the first page and stop.

SQLite has no NULLS LAST in indexes and no trigrams: there the register keeps its scans. A database
user who may not create the pg_trgm extension keeps the search scan, and gets the other indexes.
"""

from contextlib import suppress

from django.db import DatabaseError, migrations, transaction

SORT_INDEXES = [
    # An owner's accounts by revenue, for the worklist's "Your accounts" (is_key left out: see Account.Meta).
    "CREATE INDEX IF NOT EXISTS account_owner_revenue_idx "
    "ON accounts_account (owner_id, last_year_revenue DESC NULLS LAST)",
    "CREATE INDEX IF NOT EXISTS account_revenue_desc_name_idx "
    "ON accounts_account (last_year_revenue DESC NULLS LAST, name)",
    "CREATE INDEX IF NOT EXISTS account_growth_desc_name_idx "
    "ON accounts_account (revenue_growth DESC NULLS LAST, name)",
    "CREATE INDEX IF NOT EXISTS account_reference_upper_idx ON accounts_account (UPPER(reference::text))",
]
SEARCH_INDEX = (
    "CREATE INDEX IF NOT EXISTS account_name_upper_trgm_idx "
    "ON accounts_account USING gin (UPPER(name::text) gin_trgm_ops)"
)
INDEX_NAMES = [
    "account_owner_revenue_idx",
    "account_revenue_desc_name_idx",
    "account_growth_desc_name_idx",
    "account_reference_upper_idx",
    "account_name_upper_trgm_idx",
]


def create_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in SORT_INDEXES:
        schema_editor.execute(statement)
    # Without the right to create the extension (or without the extension), the search stays a scan.
    with suppress(DatabaseError), transaction.atomic(using=schema_editor.connection.alias):
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(SEARCH_INDEX)


def drop_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEX_NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0015_product_lines"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
