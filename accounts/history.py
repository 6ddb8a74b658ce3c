"""The change history shown on an account page: who changed what, and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils.translation import gettext as _

from accounts.models import Account, Contact, YearlyFinancial
from accounts.personal_data import ERASED_REASON
from kam.history import value_text
from kam.models import User

HIDDEN_FIELDS = {"updated_at", "created_at"}


@dataclass
class Change:
    when: datetime
    who: str
    what: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (label, before, after)


def _related_names(deltas: list, fields: dict[str, models.Field]) -> dict[str, dict[object, str]]:
    """Names of the users and accounts the changes point to, two queries at most, whatever the number of changes."""
    wanted: dict[str, set] = {"users": set(), "accounts": set()}
    for delta in deltas:
        for change in delta.changes:
            model_field = fields.get(change.field)
            if model_field is not None and model_field.is_relation:
                target = "accounts" if model_field.related_model is Account else "users"
                wanted[target].update(v for v in (change.old, change.new) if v is not None)
    return {
        "users": {user.pk: str(user) for user in User.objects.filter(pk__in=wanted["users"])}
        if wanted["users"]
        else {},
        "accounts": dict(Account.objects.filter(pk__in=wanted["accounts"]).values_list("pk", "name"))
        if wanted["accounts"]
        else {},
    }


def _display(value: object, model_field: models.Field | None, names: dict[str, dict[object, str]]) -> str:
    if value in (None, ""):
        return "—"
    if model_field is not None and model_field.is_relation:
        table = names["accounts"] if model_field.related_model is Account else names["users"]
        return table.get(value, _("(deleted)"))
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return value_text(value, model_field)


def account_changes(account: Account, *, limit: int = 15) -> list[Change]:
    """The latest changes to the account and its yearly financials, newest first (at most 5 queries)."""
    records = list(account.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    fields = {f.name: f for f in Account._meta.concrete_fields}
    # Pair each record with the one before it; the extra record fetched is only there to diff against.
    pairs = list(zip(records[:limit], [*records[1:], None], strict=False))
    deltas = {id(newer): newer.diff_against(older) for newer, older in pairs if older is not None}
    names = _related_names(list(deltas.values()), fields)
    changes: list[Change] = []
    for newer, older in pairs:
        who = str(newer.history_user or _("system"))
        if older is None or newer.history_type == "+":
            changes.append(Change(newer.history_date, who, _("Account created")))
            continue
        rows = [
            (
                str(fields[c.field].verbose_name) if c.field in fields else c.field,
                _display(c.old, fields.get(c.field), names),
                _display(c.new, fields.get(c.field), names),
            )
            for c in deltas[id(newer)].changes
            if c.field not in HIDDEN_FIELDS
        ]
        if rows:
            changes.append(Change(newer.history_date, who, _("Account changed"), rows))

    financial_records = (
        YearlyFinancial.history.filter(account_id=account.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    verbs = {"+": _("Financials added"), "~": _("Financials changed"), "-": _("Financials removed")}
    for record in financial_records:
        changes.append(
            Change(
                record.history_date,
                str(record.history_user or _("system")),
                f"{verbs[record.history_type]}: {record.year}",
                [
                    (_("Revenue"), "", _display(record.revenue, None, {})),
                    (_("Gross margin"), "", _display(record.gross_margin, None, {})),
                ],
            )
        )
    changes.extend(contact_changes(account, limit=limit))
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]


def contact_changes(account: Account, *, limit: int = 15) -> list[Change]:
    """The latest changes to the account's contacts (3 queries at most): added, changed field by field, removed."""
    records = list(
        Contact.history.filter(account_id=account.pk)
        .select_related("history_user")
        .order_by("-history_date")[: limit * 3]
    )
    fields = {f.name: f for f in Contact._meta.concrete_fields}
    # Each record diffs against the same contact's previous record when that one was fetched too.
    previous: dict[int, object] = {}
    pairs = []
    for record in reversed(records):
        pairs.append((record, previous.get(record.id)))
        previous[record.id] = record
    deltas = {id(newer): newer.diff_against(older) for newer, older in pairs if older is not None}
    wanted_users = {
        v
        for delta in deltas.values()
        for c in delta.changes
        if c.field == "covered_by"
        for v in (c.old, c.new)
        if v is not None
    }
    wanted_contacts = {
        v
        for delta in deltas.values()
        for c in delta.changes
        if c.field == "reports_to"
        for v in (c.old, c.new)
        if v is not None
    }
    names = {
        "users": {u.pk: str(u) for u in User.objects.filter(pk__in=wanted_users)} if wanted_users else {},
        "contacts": dict(Contact.objects.filter(pk__in=wanted_contacts).values_list("pk", "name"))
        if wanted_contacts
        else {},
    }
    verbs = {"+": _("Contact added"), "~": _("Contact changed"), "-": _("Contact removed")}
    changes = []
    for newer, older in reversed(pairs):
        if newer.history_change_reason == ERASED_REASON:
            who = str(newer.history_user or _("system"))
            changes.append(Change(newer.history_date, who, _("Personal data erased: %(name)s") % {"name": newer.name}))
            continue
        rows = []
        if newer.history_type == "~" and older is not None:
            for c in deltas[id(newer)].changes:
                if c.field == "account":
                    continue
                model_field = fields.get(c.field)
                label = str(model_field.verbose_name) if model_field is not None else c.field
                if c.field in ("reports_to", "covered_by"):
                    table = names["contacts" if c.field == "reports_to" else "users"]
                    before = table.get(c.old, _("(deleted)")) if c.old is not None else "—"
                    after = table.get(c.new, _("(deleted)")) if c.new is not None else "—"
                elif isinstance(c.new, bool) or isinstance(c.old, bool):
                    before, after = (_("yes") if c.old else _("no")), (_("yes") if c.new else _("no"))
                else:
                    before, after = _display(c.old, model_field, names), _display(c.new, model_field, names)
                rows.append((label, before, after))
            if not rows:
                continue
        who = str(newer.history_user or _("system"))
        changes.append(Change(newer.history_date, who, f"{verbs[newer.history_type]}: {newer.name}", rows))
    return changes[:limit]
