"""Match a file's product texts to the catalogue of product lines, and say what to do with the unknown ones.

A text matches a line by name whatever its case, accents or punctuation, and through the old names of merged
lines. An unknown text close to a line's name waits for the user's choice (that line, another, or a new line),
kept in the batch's options like the accepted country corrections; an unknown text close to nothing becomes a
new line unless the user maps it to an existing one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.importing.parsing import close_matches, normalise_name
from accounts.importing.results import RowErrors, Suggestion, count_text
from accounts.models import LineRevenue, ProductLine

# The key of the product-line choices in ImportOptions.corrections, and the choice that creates a line.
LINE_CHOICES = "product_line"
NEW_LINE = "new"
MAX_NAME = 200
CREATE, UPDATE = "create", "update"


@dataclass
class LineCatalogue:
    """The catalogue's names (and merged lines' old names) by normalised key, each pointing to a current line."""

    by_key: dict[str, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # current lines only
    active: dict[int, str] = field(default_factory=dict)
    current_of: dict[int, int] = field(default_factory=dict)  # every line's pk -> the current line it stands for

    @classmethod
    def load(cls) -> LineCatalogue:
        rows = list(ProductLine.objects.values_list("pk", "name", "merged_into_id", "is_active"))
        target = {pk: merged for pk, _name, merged, _active in rows}

        def current(pk: int) -> int:
            seen = set()
            while target.get(pk) and pk not in seen:  # a line merged into a line merged later
                seen.add(pk)
                pk = target[pk]
            return pk

        catalogue = cls()
        for pk, name, merged, active in rows:
            catalogue.current_of[pk] = current(pk)
            if merged is None:
                catalogue.names[pk] = name
                if active:
                    catalogue.active[pk] = name
        # Current names first, so an alias never hides a line that has the name today.
        for pk, name, _merged, _active in sorted(rows, key=lambda row: row[2] is not None):
            catalogue.by_key.setdefault(normalise_name(name), current(pk))
        return catalogue

    def line_of(self, choice: str) -> int | None:
        """The current line a stored choice (a line's pk as text) points to, if it still exists."""
        if not choice.isdigit():
            return None
        return self.current_of.get(int(choice))


@dataclass
class LineChoice:
    """An unknown product text of the file, and what the import does with it (the user may change it)."""

    value: str
    rows: int
    suggestion: int | None  # the close line's pk
    suggestion_label: str
    chosen: str  # NEW_LINE, a line's pk as text, or "" while the user has to choose

    @property
    def needs_choice(self) -> bool:
        return not self.chosen


@dataclass
class LineResolution:
    line_of: dict[str, int] = field(default_factory=dict)  # cell -> line pk, or a negative key of a new line
    new_lines: dict[int, str] = field(default_factory=dict)  # negative key -> name
    suggestions: list[Suggestion] = field(default_factory=list)
    choices: list[LineChoice] = field(default_factory=list)

    def keys(self, values: pd.Series) -> pd.Series:
        """Each row's line (pk or negative key), NaN when the row names no line."""
        return values.map(self.line_of)


def product_lines_resolve(
    *,
    values: pd.Series,
    lines: pd.Series,
    errors: RowErrors,
    choices: dict[str, str],
    field_name: str,
    field_label: str,
    catalogue: LineCatalogue | None = None,
    check_length: bool = True,
) -> LineResolution:
    """Which line each distinct non-empty text of `values` is; rows waiting for a choice get an error each.

    `check_length=False` when the import already refuses a too long product text with its own words.
    """
    catalogue = catalogue or LineCatalogue.load()
    resolution = LineResolution()
    texts = [text for text in values.unique() if text != ""]
    counts = values[values != ""].value_counts()
    new_by_key: dict[str, int] = {}

    def create(text: str) -> int:
        key = normalise_name(text)
        if key not in new_by_key:
            new_by_key[key] = -(len(new_by_key) + 1)
            resolution.new_lines[new_by_key[key]] = text
        return new_by_key[key]

    unknown = []
    for text in texts:
        key = normalise_name(text)
        if len(text) > MAX_NAME:
            if not check_length:
                continue
            errors.add_where(
                values == text,
                lines,
                _("The product “%(value)s…” is longer than %(limit)s characters.")
                % {"value": text[:40], "limit": MAX_NAME},
            )
        elif key in catalogue.by_key:
            resolution.line_of[text] = catalogue.by_key[key]
        elif key in new_by_key:  # "Dairy products" after "dairy products": one new line
            resolution.line_of[text] = new_by_key[key]
        else:
            unknown.append(text)
    suggested = close_matches(pd.Series(unknown, dtype=str), catalogue.by_key) if unknown else {}
    for text in unknown:
        chosen = choices.get(text, "")
        close = suggested.get(text)
        picked = catalogue.line_of(chosen) if chosen != NEW_LINE else None
        if picked is not None:
            resolution.line_of[text] = picked
            chosen = str(picked)
        elif chosen == NEW_LINE or (close is None and not chosen):
            chosen = NEW_LINE
            resolution.line_of[text] = create(text)
        else:  # a close line, or a chosen line that no longer exists: the user decides
            chosen = ""
            where = values == text
            shown = catalogue.names.get(close, "") if close else ""
            errors.add_where(
                where,
                lines,
                _(
                    "“%(value)s” is not a product line yet: did you mean %(suggestion)s? Choose below whether to use "
                    "it or to create a new line."
                )
                % {"value": text, "suggestion": shown}
                if close
                else _("“%(value)s” is not a product line yet: choose below a line or a new line.") % {"value": text},
            )
            if close:
                resolution.suggestions.append(
                    Suggestion(
                        field=LINE_CHOICES,
                        field_label=field_label,
                        value=text,
                        replacement=str(close),
                        replacement_label=shown,
                        lines=[int(line) for line in lines[where]],
                    )
                )
        resolution.choices.append(
            LineChoice(
                value=text,
                rows=int(counts.get(text, 0)),
                suggestion=close,
                suggestion_label=catalogue.names.get(close, "") if close else "",
                chosen=chosen,
            )
        )
    return resolution


def new_lines_create(*, names: dict[int, str], user, reason: str) -> dict[int, int]:
    """Insert the lines an import creates, with history; {negative key: pk}."""
    from accounts.importing.writing import insert_with_history

    keys = list(names)
    pks = insert_with_history(
        model=ProductLine,
        rows=[{"name": names[key], "family": "", "is_active": True, "merged_into_id": None} for key in keys],
        user=user,
        reason=reason,
    )
    return dict(zip(keys, pks, strict=True))


@dataclass
class LineTotal:
    target: int  # an account's pk, or a negative key of an account the import creates
    line: int  # a line's pk, or a negative key of a line the import creates
    year: int
    revenue: Decimal
    action: str  # CREATE or UPDATE


@dataclass
class LineTotals:
    """The account-line-year totals an import writes, and how many it leaves as they are."""

    changed: list[LineTotal] = field(default_factory=list)
    unchanged: int = 0

    def without(self, refused: set[int]) -> LineTotals:
        """Without the accounts the user may not change (their rows are errors)."""
        return LineTotals([total for total in self.changed if total.target not in refused], self.unchanged)

    def rows(self, *, account_pk: dict[int, int], line_pk: dict[int, int]) -> list[tuple[int, int, int, Decimal]]:
        """(account, line, year, revenue) to write, new accounts' and lines' keys replaced by their pks."""
        return [
            (account_pk.get(t.target, t.target), line_pk.get(t.line, t.line), t.year, t.revenue) for t in self.changed
        ]


def stored_line_revenues(account_ids: list[int]) -> pd.DataFrame:
    """The stored revenue by line of these accounts: target, line, year, stored_cents, stored_currency."""
    from accounts.importing.common import chunked

    rows: list[tuple] = []
    for batch in chunked(account_ids):
        rows += LineRevenue.objects.filter(account_id__in=batch).values_list(
            "account_id", "line_id", "year", "revenue", "currency"
        )
    stored = pd.DataFrame(rows, columns=["target", "line", "year", "revenue", "stored_currency"])
    stored["stored_cents"] = (stored.pop("revenue").astype(float) * 100).round().astype("int64")
    return stored.astype({"target": "int64", "line": "int64", "year": "int64"})


def line_totals_compare(sums: pd.DataFrame, *, currency: str) -> LineTotals:
    """Each account-line-year total (columns target, line, year, amount) against the stored one.

    Compared in whole cents over the whole frame: a re-import of 100,000 lines finds its 90,000 unchanged totals
    without building a Decimal for each.
    """
    if sums.empty:
        return LineTotals()
    frame = sums.astype({"target": "int64", "line": "int64", "year": "int64"})
    frame["cents"] = (frame["amount"].astype(float) * 100).round().astype("int64")
    existing = sorted(int(target) for target in frame["target"].unique() if target > 0)
    frame = frame.merge(stored_line_revenues(existing), on=["target", "line", "year"], how="left")
    created = frame["stored_cents"].isna()
    unchanged = ~created & (frame["stored_cents"] == frame["cents"]) & (frame["stored_currency"] == currency)
    frame["action"] = np.where(created, CREATE, UPDATE)
    frame = frame[~unchanged].sort_values(["target", "line", "year"])
    changed = [
        LineTotal(
            target=int(target),
            line=int(line),
            year=int(year),
            revenue=Decimal(int(cents)).scaleb(-2),
            action=str(action),
        )
        for target, line, year, cents, action in zip(
            *(frame[name].tolist() for name in ("target", "line", "year", "cents", "action")), strict=True
        )
    ]
    return LineTotals(changed=changed, unchanged=int(unchanged.sum()))


def lines_summary(*, totals: LineTotals, new_lines: int, without_line: int, done: bool) -> list[str]:
    """What an import does to revenue by line, in sentences for the preview's and the result's counts."""
    written = totals.changed
    revenues = ngettext("%(count)s revenue by product line", "%(count)s revenues by product line", len(written)) % {
        "count": count_text(len(written))
    }
    line_count = len({total.line for total in written})
    lines_text = ngettext("%(count)s line", "%(count)s lines", line_count) % {"count": count_text(line_count)}
    if done:
        text = _("%(revenues)s written on %(lines)s") % {"revenues": revenues, "lines": lines_text}
    else:
        text = _("%(revenues)s to write on %(lines)s") % {"revenues": revenues, "lines": lines_text}
    unchanged = totals.unchanged
    if unchanged:
        text += "; " + _("%(count)s unchanged") % {"count": count_text(unchanged)}
    sentences = [text + "."]
    if new_lines:
        message = (
            ngettext("%(count)s product line created.", "%(count)s product lines created.", new_lines)
            if done
            else ngettext("%(count)s product line to create.", "%(count)s product lines to create.", new_lines)
        )
        sentences.append(message % {"count": count_text(new_lines)})
    if without_line:
        sentences.append(
            ngettext(
                "%(count)s row has no product: it counts in its account's revenue, in no product line.",
                "%(count)s rows have no product: they count in their accounts' revenue, in no product line.",
                without_line,
            )
            % {"count": count_text(without_line)}
        )
    return sentences
