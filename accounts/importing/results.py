"""What a preview shows and what an applied import reports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.importing.fields import ImportKind

SHOWN_LINES = 10


@dataclass
class RowError:
    line: int
    reasons: list[str]


@dataclass
class SkippedRows:
    """Rows left out on purpose (not errors), and why: "no account name"."""

    reason: str
    lines: list[int]

    @property
    def shown_lines(self) -> str:
        return line_list(self.lines)

    def as_dict(self) -> dict:
        return {"reason": str(self.reason), "lines": [int(line) for line in self.lines]}


@dataclass
class Suggestion:
    """A close match for a value the import does not know: "Philippines" for "Philipines", on these lines."""

    field: str
    field_label: str
    value: str
    replacement: str  # what the cell becomes once accepted (a country code)
    replacement_label: str  # what the user reads ("Philippines")
    lines: list[int]


@dataclass
class ImportPreview:
    kind: ImportKind
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)
    skipped: list[SkippedRows] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    contacts: int = 0
    # What a money import counts ("38 yearly revenues to write for 31 accounts"), said instead of created/updated.
    counts: list[str] = field(default_factory=list)
    # Product texts not in the catalogue (lines.LineChoice), and the lines they may be mapped to: [(pk, name)].
    line_choices: list = field(default_factory=list)
    line_options: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> list[str]:
        """The counts as sentences that say what they count."""
        sentences = self.counts or [
            counts_summary(
                kind=self.kind, created=self.to_create, updated=self.to_update, unchanged=self.unchanged, planned=True
            )
        ]
        if self.kind == ImportKind.ACCOUNTS and self.contacts:
            sentences.append(contacts_summary(self.contacts, planned=True))
        return sentences + skipped_summary(self.skipped)


@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int
    warnings: list[str] = field(default_factory=list)
    kind: str = ""
    contacts: int = 0
    skipped: list[SkippedRows] = field(default_factory=list)
    # What a money import counts ("38 yearly revenues written for 31 accounts"), said instead of created/updated.
    counts: list[str] = field(default_factory=list)

    @property
    def summary(self) -> list[str]:
        return result_summary(self.as_dict())

    def as_dict(self) -> dict:
        """What the wizard keeps of the result to show it again."""
        return {
            "kind": str(self.kind),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "contacts": self.contacts,
            "skipped": [rows.as_dict() for rows in self.skipped],
            "warnings": [str(warning) for warning in self.warnings],
            "counts": [str(sentence) for sentence in self.counts],
        }


class RowErrors:
    """Reasons collected per file line, in the order the checks ran."""

    def __init__(self) -> None:
        self._by_line: defaultdict[int, list[str]] = defaultdict(list)

    def add(self, line: int, reason: str) -> None:
        self._by_line[int(line)].append(str(reason))

    def add_where(self, mask: pd.Series, lines: pd.Series, reason) -> None:
        """Add a reason to every line where mask is true; reason is a string or a function of the row's position."""
        for position in mask[mask].index:
            self.add(lines[position], reason(position) if callable(reason) else reason)

    def has(self, line: int) -> bool:
        return int(line) in self._by_line

    @property
    def lines(self) -> set[int]:
        return set(self._by_line)

    def __bool__(self) -> bool:
        return bool(self._by_line)

    def as_list(self) -> list[RowError]:
        return [RowError(line=line, reasons=reasons) for line, reasons in sorted(self._by_line.items())]


def line_list(lines: Iterable[int], limit: int = SHOWN_LINES) -> str:
    """ "3, 7, 12" or "3, 7, … and 40 more": enough for the user to find the rows."""
    lines = sorted(int(line) for line in lines)
    shown = ", ".join(str(line) for line in lines[:limit])
    if len(lines) > limit:
        shown += " " + _("and %(count)s more") % {"count": count_text(len(lines) - limit)}
    return shown


def count_text(count: int) -> str:
    return formats.number_format(count, force_grouping=True)


def counts_summary(*, kind: str, created: int, updated: int, unchanged: int, planned: bool = False) -> str:
    """ "12 accounts created, 3 updated, 5 unchanged": the counts, saying what they count."""
    numbers = {"created": count_text(created), "updated": count_text(updated), "unchanged": count_text(unchanged)}
    if kind == ImportKind.ACCOUNTS:
        first = (
            ngettext("%(created)s account to create", "%(created)s accounts to create", created)
            if planned
            else ngettext("%(created)s account created", "%(created)s accounts created", created)
        )
    elif kind == ImportKind.SALES_TEAM:
        first = (
            ngettext("%(created)s user to create", "%(created)s users to create", created)
            if planned
            else ngettext("%(created)s user created", "%(created)s users created", created)
        )
    else:
        first = _("%(created)s to create") if planned else _("%(created)s created")
    rest = (
        _("%(updated)s to update, %(unchanged)s unchanged")
        if planned
        else _("%(updated)s updated, %(unchanged)s unchanged")
    )
    return (first + ", " + rest) % numbers


def skipped_summary(skipped: Iterable[SkippedRows | dict]) -> list[str]:
    """ "4 rows skipped: no account name (lines 7, 9, …)", one sentence per reason."""
    sentences = []
    for rows in skipped:
        reason, lines = (rows["reason"], rows["lines"]) if isinstance(rows, dict) else (rows.reason, rows.lines)
        sentences.append(
            ngettext(
                "%(count)s row skipped: %(reason)s (line %(lines)s).",
                "%(count)s rows skipped: %(reason)s (lines %(lines)s).",
                len(lines),
            )
            % {"count": count_text(len(lines)), "reason": reason, "lines": line_list(lines)}
        )
    return sentences


def contacts_summary(count: int, *, planned: bool = False) -> str:
    if planned:
        return ngettext("%(count)s contact to add", "%(count)s contacts to add", count) % {"count": count_text(count)}
    return ngettext("%(count)s contact added", "%(count)s contacts added", count) % {"count": count_text(count)}


def result_summary(result: dict) -> list[str]:
    """The sentences of an applied import's result, from what the wizard kept of it."""
    kind = result.get("kind", "")
    sentences = [str(sentence) for sentence in result.get("counts", [])] or [
        counts_summary(
            kind=kind,
            created=result.get("created", 0),
            updated=result.get("updated", 0),
            unchanged=result.get("unchanged", 0),
        )
    ]
    if kind == ImportKind.ACCOUNTS and result.get("contacts"):
        sentences.append(contacts_summary(result["contacts"]))
    return sentences + skipped_summary(result.get("skipped", []))


def revenues_summary(*, written: int, accounts: int, unchanged: int, done: bool) -> str:
    """ "38 yearly revenues written for 31 accounts; 5 unchanged." — what a money import counts."""
    revenues = ngettext("%(count)s yearly revenue", "%(count)s yearly revenues", written) % {
        "count": count_text(written)
    }
    account_text = ngettext("%(count)s account", "%(count)s accounts", accounts) % {"count": count_text(accounts)}
    if done:
        text = _("%(revenues)s written for %(accounts)s") % {"revenues": revenues, "accounts": account_text}
    else:
        text = _("%(revenues)s to write for %(accounts)s") % {"revenues": revenues, "accounts": account_text}
    if unchanged:
        text += "; " + _("%(count)s unchanged") % {"count": count_text(unchanged)}
    return text + "."
