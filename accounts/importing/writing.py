"""Bulk writes that keep a django-simple-history entry per row, signed by the importing user.

simple_history's bulk_create_with_history / bulk_update_with_history build a model instance and compile
every value through the ORM twice per row (the row, then its historical copy): about 1 ms per account on
SQLite, which alone spends a 10,000-row import's 10 s budget. These write the same rows (the table row, and
a historical row with the same values, date, type, user and reason) from plain values with one converter per
column, so an import stays in budget. On a database without multi-row INSERT … RETURNING they fall back to
simple_history's functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history, get_history_model_for_model

from accounts.importing.common import BATCH_SIZE, chunked

# Told how many table rows (not history rows) each chunk wrote, while an import applied in the background runs.
_written: ContextVar[Callable[[int], None] | None] = ContextVar("import_rows_written", default=None)


@contextmanager
def rows_written_reported(report: Callable[[int], None] | None) -> Iterator[None]:
    """Within the block, call `report(n)` after each chunk of n rows the bulk writes below put in a table."""
    token = _written.set(report)
    try:
        yield
    finally:
        _written.reset(token)


def _report(count: int) -> None:
    report = _written.get()
    if report is not None and count:
        report(count)


# Values of these Python types need no conversion for these fields on any backend Django supports.
PASSTHROUGH: tuple[tuple[type[models.Field], tuple[type, ...]], ...] = (
    (models.CharField, (str,)),
    (models.TextField, (str,)),
    (models.BooleanField, (bool,)),
    (models.IntegerField, (int,)),
    (models.AutoField, (int,)),
    (models.ForeignKey, (int,)),
    (models.DecimalField, (Decimal,)),
)


def insert_with_history(*, model: type[models.Model], rows: list[dict], user, reason: str) -> list[int]:
    """Insert rows ({attname: value}; other fields get their default) and their "+" history; returns the pks."""
    if not rows:
        return []
    if not connection.features.can_return_rows_from_bulk_insert:
        saved = bulk_create_with_history(
            [model(**row) for row in rows],
            model,
            batch_size=BATCH_SIZE,
            default_user=user,
            default_change_reason=reason,
        )
        _report(len(saved))
        return [instance.pk for instance in saved]
    now = timezone.now()
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    defaults = {field.attname: _default(field, now) for field in fields}
    snapshots = [{**defaults, **row} for row in rows]
    pks = _insert(model, fields, snapshots, returning=True)
    pk_name = model._meta.pk.attname
    for snapshot, pk in zip(snapshots, pks, strict=True):
        snapshot[pk_name] = pk
    _insert_history(model, snapshots, history_type="+", user=user, reason=reason, now=now)
    return pks


def update_with_history(*, model: type[models.Model], changes: dict[int, dict], user, reason: str) -> int:
    """Apply {pk: {attname: value}} and write a "~" history entry with each row's values after the change."""
    if not changes:
        return 0
    now = timezone.now()
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    stamped = [field.attname for field in fields if getattr(field, "auto_now", False)]
    if not connection.features.can_return_rows_from_bulk_insert:
        instances = model._default_manager.in_bulk(list(changes))
        touched = {attname for values in changes.values() for attname in values} | set(stamped)
        for pk, values in changes.items():
            for attname, value in {**values, **dict.fromkeys(stamped, now)}.items():
                setattr(instances[pk], attname, value)
        names = sorted(model._meta.get_field(attname).name for attname in touched)
        updated = bulk_update_with_history(
            list(instances.values()),
            model,
            names,
            batch_size=BATCH_SIZE,
            default_user=user,
            default_change_reason=reason,
        )
        _report(len(changes))
        return updated
    pk_name = model._meta.pk.attname
    snapshots = []
    for batch in chunked(changes):
        for current in (
            model._default_manager.filter(pk__in=batch).order_by().values(pk_name, *(f.attname for f in fields))
        ):
            snapshots.append({**current, **changes[current[pk_name]], **dict.fromkeys(stamped, now)})
    written = sorted({attname for values in changes.values() for attname in values} | set(stamped))
    columns = [model._meta.get_field(attname) for attname in written]
    converters = [_converter(field) for field in columns]
    # Only quoted table and column names from the model's metadata go into the SQL; values are parameters.
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        connection.ops.quote_name(model._meta.db_table),
        ", ".join(f"{connection.ops.quote_name(field.column)} = %s" for field in columns),
        connection.ops.quote_name(model._meta.pk.column),
    )
    with connection.cursor() as cursor:
        for batch in chunked(snapshots):
            cursor.executemany(
                sql,
                [
                    [convert(snapshot[field.attname]) for field, convert in zip(columns, converters, strict=True)]
                    + [snapshot[pk_name]]
                    for snapshot in batch
                ],
            )
            _report(len(batch))
    _insert_history(model, snapshots, history_type="~", user=user, reason=reason, now=now)
    return len(snapshots)


def yearly_revenues_upsert(
    *,
    revenues: Iterable[tuple[int, int, Decimal]],
    user,
    reason: str,
    new_accounts: Iterable[int] = (),
    currency: str | None = None,
) -> None:
    """Write (account, year, revenue) triples in `currency`: insert the new years, update the others, with history.

    `new_accounts` were created in this import and have no financials yet, so they are not looked up.
    """
    from accounts.importing.options import default_currency
    from accounts.models import YearlyFinancial
    from accounts.services import financials_refresh

    currency = (currency or default_currency()).upper()

    revenues = list(revenues)
    accounts = {account for account, _year, _revenue in revenues}
    existing: dict[tuple[int, int], int] = {}
    for batch in chunked(accounts - set(new_accounts)):
        rows = YearlyFinancial.objects.filter(account_id__in=batch).values_list("account_id", "year", "pk")
        existing.update(((account, year), pk) for account, year, pk in rows)
    new = [
        {"account_id": account, "year": year, "revenue": revenue, "currency": currency}
        for account, year, revenue in revenues
        if (account, year) not in existing
    ]
    changed = {
        existing[(account, year)]: {"revenue": revenue, "currency": currency}
        for account, year, revenue in revenues
        if (account, year) in existing
    }
    insert_with_history(model=YearlyFinancial, rows=new, user=user, reason=reason)
    update_with_history(model=YearlyFinancial, changes=changed, user=user, reason=reason)
    if accounts:
        financials_refresh(account_ids=accounts)


def line_revenues_upsert(*, revenues: Iterable[tuple[int, int, int, Decimal]], currency: str) -> int:
    """Write (account, line, year, revenue) rows in `currency`: one upsert per chunk on the account-line-year key.

    Revenue by line keeps no history of its own: it is derived from the imported lines and deals, which do.
    """
    from accounts.models import LineRevenue

    rows = [
        {"account_id": account, "line_id": line, "year": year, "revenue": revenue, "currency": currency}
        for account, line, year, revenue in revenues
    ]
    if not connection.features.supports_update_conflicts_with_target:
        LineRevenue.objects.bulk_create(
            [LineRevenue(**row) for row in rows],
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["account", "line", "year"],
            update_fields=["revenue", "currency"],
        )
        return len(rows)
    # Plain values through one converter per column, as insert_with_history does: 90,000 model instances
    # would cost seconds.
    quote = connection.ops.quote_name
    conflict = " ON CONFLICT ({}) DO UPDATE SET {}".format(
        ", ".join(quote(name) for name in ("account_id", "line_id", "year")),
        ", ".join(f"{quote(name)} = EXCLUDED.{quote(name)}" for name in ("revenue", "currency")),
    )
    fields = [field for field in LineRevenue._meta.concrete_fields if not field.primary_key]
    _insert(LineRevenue, fields, rows, returning=False, conflict=conflict)
    return len(rows)


def _default(field: models.Field, now) -> object:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()


def _converter(field: models.Field) -> Callable[[object], object]:
    """The field's conversion to a database value, skipped for values that are already one."""
    ready: tuple[type, ...] = ()
    for kind, types in PASSTHROUGH:
        if isinstance(field, kind):
            ready = types
            break

    database = connections[DEFAULT_DB_ALIAS]  # the `connection` proxy's lookup costs more than a conversion
    # A history's one date, a default: the same few values recur on every row, so convert each once.
    converted: dict[tuple[type, object], object] = {}

    def convert(value: object) -> object:
        if value is None or type(value) in ready:
            return value
        try:
            key = (type(value), value)
            if key not in converted:
                converted[key] = field.get_db_prep_save(value, database)
            return converted[key]
        except TypeError:  # unhashable
            return field.get_db_prep_save(value, database)

    return convert


def _insert(
    model: type[models.Model], fields: list[models.Field], rows: Iterable[dict], *, returning: bool, conflict: str = ""
) -> list[int]:
    quote = connection.ops.quote_name
    converters = [_converter(field) for field in fields]
    values = [[convert(row[field.attname]) for field, convert in zip(fields, converters, strict=True)] for row in rows]
    columns = ", ".join(quote(field.column) for field in fields)
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = quote(model._meta.db_table)
    pks: list[int] = []
    # Only quoted table and column names from the model's metadata go into the SQL; values are parameters.
    limit = connection.features.max_query_params
    per_statement = BATCH_SIZE if limit is None else max(1, min(BATCH_SIZE, limit // len(fields)))
    returning_sql = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    # Multi-row INSERTs: psycopg2's executemany sends one statement per row (12 s for 60,000 rows).
    with connection.cursor() as cursor:
        for batch in chunked(values, per_statement):
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one_row] * len(batch))}{conflict}{returning_sql}",  # noqa: S608
                [value for row in batch for value in row],
            )
            if returning:
                pks.extend(row[0] for row in cursor.fetchall())
                _report(len(batch))  # a table's rows; history rows (returning nothing) are not counted
    return pks


def _insert_history(model: type[models.Model], snapshots: list[dict], *, history_type: str, user, reason: str, now):
    history = get_history_model_for_model(model)
    fields = [field for field in history._meta.concrete_fields if not field.primary_key]
    stamp = {
        "history_date": now,
        "history_type": history_type,
        "history_change_reason": reason,
        "history_user_id": getattr(user, "pk", None),
    }
    defaults = {field.attname: _default(field, now) for field in fields if field.attname not in stamp}
    rows = (
        {**defaults, **{key: snapshot[key] for key in defaults if key in snapshot}, **stamp} for snapshot in snapshots
    )
    _insert(history, fields, rows, returning=False)
