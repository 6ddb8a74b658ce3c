"""Pieces both kinds of import share: who may import, which columns fill which field, the register's keys."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.importing.errors import ImportFileError
from accounts.importing.fields import FIELDS, ImportKind
from accounts.importing.parsing import normalise_name, normalise_names
from accounts.importing.reading import LINE_COLUMN
from accounts.models import Account

# Rows per INSERT/UPDATE: well under SQLite's parameter limit, few round trips on PostgreSQL.
BATCH_SIZE = 500
# Kept in each history entry the import writes, beside the user.
HISTORY_REASON = "import"
# No customer's books in a CRM or ERP export go back further; a column with earlier years is another column
# (a founding year, a birth year) mapped by mistake.
FIRST_FINANCIAL_YEAR = 1990
# Figures older than this many years before the current one make a register that scores the past.
STALE_AFTER_YEARS = 2


def importer_check(*, user) -> None:
    """Only the roles that create accounts may import; others learn it before anything is read."""
    if not (getattr(user, "is_administrator", False) or getattr(user, "is_key_account_manager", False)):
        raise ImportFileError(_("You may not import: only administrators and key account managers can import files."))


def mapped_columns(*, frame: pd.DataFrame, mapping: dict[str, str], kind: ImportKind) -> pd.DataFrame:
    """One text column per mapped field (stripped by read_table), plus the file line of each row.

    Mapping mistakes (an unknown field or column, a field mapped twice, a required field missing) raise.
    """
    specs = {spec.name: spec for spec in FIELDS[kind]}
    chosen: dict[str, str] = {}
    for column, name in (mapping or {}).items():
        if not name:
            continue
        if name not in specs:
            raise ImportFileError(_("“%(field)s” is not something this import can fill.") % {"field": name})
        if column == LINE_COLUMN or column not in frame.columns:
            raise ImportFileError(_("The file has no column “%(column)s”.") % {"column": column})
        if name in chosen:
            raise ImportFileError(
                _("“%(field)s” is filled from two columns, “%(first)s” and “%(second)s”: keep one.")
                % {"field": specs[name].label, "first": chosen[name], "second": column}
            )
        chosen[name] = column
    for spec in specs.values():
        if spec.required and spec.name not in chosen:
            raise ImportFileError(
                _("No column of the file is mapped to “%(field)s”, which is required.") % {"field": spec.label}
            )
    data = pd.DataFrame(
        {name: frame[column].fillna("").astype(str) for name, column in chosen.items()},
        index=frame.index,
    )
    data[LINE_COLUMN] = frame[LINE_COLUMN].astype(int) if LINE_COLUMN in frame.columns else frame.index + 2
    return data.reset_index(drop=True)


def chunked(values: Iterable, size: int = BATCH_SIZE) -> Iterator[list]:
    batch: list = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class Register:
    """The keys imports match on, for every account: references and normalised names."""

    by_reference: dict[str, int] = field(default_factory=dict)
    by_key: dict[str, list[int]] = field(default_factory=dict)
    references: dict[int, str | None] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    parents: dict[int, int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Register:
        register = cls()
        rows = list(Account.objects.values_list("pk", "reference", "name", "parent_id"))
        keys = normalise_names(pd.Series([name for _pk, _reference, name, _parent in rows], dtype=str))
        for (pk, reference, name, parent_id), key in zip(rows, keys, strict=True):
            register.names[pk] = name
            register.references[pk] = reference or None
            if reference:
                register.by_reference[reference] = pk
            register.by_key.setdefault(key, []).append(pk)
            if parent_id:
                register.parents[pk] = parent_id
        return register

    def find(self, text: str) -> tuple[int | None, list[int]]:
        """(account, ambiguous candidates) for a reference or a name."""
        if text in self.by_reference:
            return self.by_reference[text], []
        candidates = self.by_key.get(normalise_name(text), [])
        if len(candidates) == 1:
            return candidates[0], []
        return None, candidates


def flag_financial_years(*, years: pd.Series, lines: pd.Series, errors) -> pd.Series:
    """Add a reason to every row whose year cannot be one of this customer's financial years; returns that mask."""
    current = timezone.localdate().year
    too_early = years.notna() & (years < FIRST_FINANCIAL_YEAR)
    future = years.notna() & (years > current)
    errors.add_where(
        too_early,
        lines,
        lambda i: (
            _("%(year)s cannot be a financial year of this customer: before %(first)s.")
            % {"year": int(years[i]), "first": FIRST_FINANCIAL_YEAR}
        ),
    )
    errors.add_where(
        future,
        lines,
        lambda i: (
            _("%(year)s cannot be a financial year of this customer: it is in the future.") % {"year": int(years[i])}
        ),
    )
    return too_early | future


def stale_warning(*, years: Iterable[int]) -> str | None:
    """A warning when the newest figures (in the file or already stored) leave recent years empty."""
    from accounts.models import YearlyFinancial

    stored = YearlyFinancial.objects.order_by("-year").values_list("year", flat=True).first()
    newest = max([int(year) for year in years] + ([stored] if stored else []), default=None)
    if newest is None or newest >= timezone.localdate().year - STALE_AFTER_YEARS:
        return None
    return _("The newest figures are for %(year)s: the register and scoring will use %(year)s as the year in use.") % {
        "year": newest
    }
