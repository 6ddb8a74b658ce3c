"""The change history shown on an account page: who changed what, and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from accounts.models import Account, YearlyFinancial

HIDDEN_FIELDS = {"updated_at", "created_at"}


@dataclass
class Change:
    when: datetime
    who: str
    what: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (label, before, after)


def _display(record, name: str) -> str:
    value = getattr(record, name)
    if value in (None, ""):
        return "—"
    return str(value)


def account_changes(account: Account, *, limit: int = 15) -> list[Change]:
    """The latest changes to the account and its yearly financials, newest first (3 queries)."""
    records = list(account.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    labels = {f.name: str(f.verbose_name) for f in Account._meta.get_fields() if hasattr(f, "verbose_name")}
    changes: list[Change] = []
    # Pair each record with the one before it; the extra record fetched is only there to diff against.
    for newer, older in zip(records[:limit], [*records[1:], None], strict=False):
        who = str(newer.history_user or _("system"))
        if older is None or newer.history_type == "+":
            changes.append(Change(newer.history_date, who, _("Account created")))
            continue
        delta = newer.diff_against(older)
        rows = [
            (labels.get(c.field, c.field), _display(older, c.field), _display(newer, c.field))
            for c in delta.changes
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
                [(_("Revenue"), "", str(record.revenue)), (_("Gross margin"), "", _display(record, "gross_margin"))],
            )
        )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]
