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
class ImportPreview:
    kind: ImportKind
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)
    # Sentences that say what is counted ("38 yearly revenues to write for 31 accounts"), shown above the warnings.
    summary: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int
    warnings: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)


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
