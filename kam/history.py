"""Who changed what, and when, for any model with simple-history records: a bounded number of queries per list.

Each source is a historical queryset already filtered to what the page is about; the latest records are fetched
(three per change shown, so most changes find the record before them to diff against) and paired by object id.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kam.numbers import grouped

HIDDEN_FIELDS = {"updated_at", "created_at", "position"}


@dataclass
class Change:
    when: datetime
    who: str
    what: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (label, before, after)


def _is_user(model_field: models.Field | None) -> bool:
    return model_field is not None and model_field.is_relation and model_field.related_model is get_user_model()


def _display(value: object, model_field: models.Field | None, users: dict[int, str]) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if _is_user(model_field):
        return users.get(value, _("(deleted)"))
    if model_field is not None and model_field.is_relation:
        return f"#{value}"
    return value_text(value, model_field)


def value_text(value: object, model_field: models.Field | None = None) -> str:
    """A plain field value as history lists show it.

    Amounts, dates and times as the rest of the page writes them in the reader's language (5 206 611 and
    20/12/2028 in French), not as Python prints them (5206611.00, 2028-12-20). Whole numbers (years, counts)
    are left as they are, as on the pages.
    """
    if (isinstance(value, Decimal) and value.is_finite()) or (isinstance(value, float) and math.isfinite(value)):
        whole = value == int(value)
        return grouped(value, 0 if whole else getattr(model_field, "decimal_places", None) or 2)
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    text = str(value)
    return text if len(text) <= 200 else f"{text[:200]}…"


def source_changes(records: models.QuerySet, *, model: type[models.Model], noun: str, limit: int) -> list[Change]:
    """The latest changes of one kind of object: added, changed field by field, removed (two queries at most)."""
    fetched = list(records.select_related("history_user").order_by("-history_date", "-history_id")[: limit * 3])
    fields = {f.attname: f for f in model._meta.concrete_fields} | {f.name: f for f in model._meta.concrete_fields}
    previous: dict[int, object] = {}
    pairs = []
    for record in reversed(fetched):
        pairs.append((record, previous.get(record.id)))
        previous[record.id] = record
    deltas = {
        id(newer): [c for c in newer.diff_against(older).changes if c.field not in HIDDEN_FIELDS]
        for newer, older in pairs
        if older is not None and newer.history_type == "~"
    }
    # The users the changes point to (an action's owner), named in one query whatever the number of changes.
    user_ids = {v for cs in deltas.values() for c in cs if _is_user(fields.get(c.field)) for v in (c.old, c.new)}
    user_ids.discard(None)
    users = {u.pk: str(u) for u in get_user_model().objects.filter(pk__in=user_ids)} if user_ids else {}
    verbs = {"+": _("%(noun)s added"), "~": _("%(noun)s changed"), "-": _("%(noun)s removed")}
    changes = []
    for newer, _older in reversed(pairs):
        rows: list[tuple[str, str, str]] = []
        if newer.history_type == "~":
            # Without its earlier record (outside what was fetched) there is nothing to compare with.
            for c in deltas.get(id(newer), []):
                model_field = fields.get(c.field)
                label = str(model_field.verbose_name) if model_field is not None else c.field
                rows.append((label, _display(c.old, model_field, users), _display(c.new, model_field, users)))
            if not rows:
                continue
        who = str(newer.history_user or _("system"))
        what = f"{verbs[newer.history_type] % {'noun': noun}}: {newer.instance}"
        changes.append(Change(newer.history_date, who, what, rows))
    return changes


def changes_merge(groups: Iterable[list[Change]], *, limit: int) -> list[Change]:
    """Several sources' changes as one list, newest first."""
    merged = [change for group in groups for change in group]
    merged.sort(key=lambda change: change.when, reverse=True)
    return merged[:limit]
