"""Import accounts: match each row to the register, check every cell, then write in bulk, with history."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from accounts.importing.common import (
    HISTORY_REASON,
    Register,
    chunked,
    flag_financial_years,
    importer_check,
    mapped_columns,
    stale_warning,
)
from accounts.importing.errors import ImportFileError
from accounts.importing.fields import ACCOUNT_FIELDS, ImportKind
from accounts.importing.options import ImportOptions
from accounts.importing.parsing import (
    FLOAT_ID,
    close_matches,
    country_index,
    invalid_emails,
    lifecycle_index,
    normalise_ids,
    normalise_name,
    normalise_names,
    normalise_sectors,
    parse_countries,
    parse_lifecycles,
    parse_numbers,
    parse_websites,
)
from accounts.importing.people import assignable_users, users_match
from accounts.importing.reading import LINE_COLUMN
from accounts.importing.results import (
    ImportPreview,
    ImportResult,
    RowErrors,
    SkippedRows,
    Suggestion,
    count_text,
    line_list,
)
from accounts.importing.writing import insert_with_history, update_with_history, yearly_revenues_upsert
from accounts.models import Account, Contact, Lifecycle, TurnoverUnit, YearlyFinancial
from kam.roles import Role

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
SAMPLE_SIZE = 20
# DecimalField(max_digits=14, decimal_places=2)
MAX_AMOUNT = 10**12
MAX_TURNOVER = 10**16  # max_digits=18
FIRST_FOUNDED_YEAR = 1800
TEXT_LIMITS = {
    "sector": 100, "city": 100, "contact_name": 200, "contact_title": 200, "contact_email": 254, "contact_phone": 50,
}  # fmt: skip
# The account values an import compares with a row.
COMPARED = (
    "pk", "name", "reference", "lifecycle", "sector", "country", "city", "website", "employees", "owner_id",
    "potential", "parent_id", "service_manager_id", "company_turnover", "company_turnover_unit",
    "company_turnover_currency", "founded_year",
)  # fmt: skip
# A node of the group tree: ("pk", id) for an account of the register, ("new", row) for one the file creates.
Node = tuple[str, int]


@dataclass
class PlannedRow:
    """What one valid row of the file does to the register."""

    index: int
    line: int
    node: Node
    values: dict[str, object]
    parent: Node | None
    current: dict | None = None  # the matched account's values, None for a new account
    changed: list[str] = field(default_factory=list)
    contact: dict[str, str] | None = None
    financial: tuple[int, Decimal] | None = None
    financial_action: str | None = None

    @property
    def action(self) -> str:
        if self.current is None:
            return CREATE
        if self.changed or self.contact or self.financial_action:
            return UPDATE
        return UNCHANGED


@dataclass
class AccountImportPlan:
    user: object
    preview: ImportPreview
    rows: list[PlannedRow]
    currency: str | None = None

    def apply(self) -> ImportResult:
        """Write the plan: new accounts (parents first), changed accounts, contacts, yearly revenue."""
        history = {"user": self.user, "reason": HISTORY_REASON}
        created_pk: dict[int, int] = {}

        def pk_of(node: Node) -> int:
            return node[1] if node[0] == "pk" else created_pk[node[1]]

        pending = [row for row in self.rows if row.action == CREATE]
        while pending:
            ready = [row for row in pending if not row.parent or row.parent[0] == "pk" or row.parent[1] in created_pk]
            if not ready:  # the plan rejected parent loops; reaching this is a bug, not bad data
                raise RuntimeError("parent loop among new accounts")
            rows = [{**row.values, "parent_id": pk_of(row.parent) if row.parent else None} for row in ready]
            pks = insert_with_history(model=Account, rows=rows, **history)
            created_pk.update((row.index, pk) for row, pk in zip(ready, pks, strict=True))
            pending = [row for row in pending if row.index not in created_pk]

        changes = {
            row.node[1]: {
                attname: pk_of(row.parent) if attname == "parent_id" else row.values[attname] for attname in row.changed
            }
            for row in self.rows
            if row.changed
        }
        update_with_history(model=Account, changes=changes, **history)
        contacts = [{"account_id": pk_of(row.node), **row.contact} for row in self.rows if row.contact]
        insert_with_history(model=Contact, rows=contacts, **history)
        self._write_financials(pk_of)

        actions = [row.action for row in self.rows]
        return ImportResult(
            created=actions.count(CREATE),
            updated=actions.count(UPDATE),
            unchanged=actions.count(UNCHANGED),
            warnings=self.preview.warnings,
            kind=ImportKind.ACCOUNTS,
            contacts=len(contacts),
            skipped=self.preview.skipped,
        )

    def _write_financials(self, pk_of) -> None:
        revenues = {(pk_of(row.node), *row.financial) for row in self.rows if row.financial_action}
        yearly_revenues_upsert(revenues=revenues, user=self.user, reason=HISTORY_REASON, currency=self.currency)


def accounts_plan(
    *, frame: pd.DataFrame, mapping: dict[str, str], user, options: ImportOptions | None = None
) -> AccountImportPlan:
    """Check every row of an accounts file against the register; nothing is written.

    `options`: the unit and currency of our revenue and the potential; the unit and currency of a company-turnover
    column; the corrections ({field: {cell: replacement}}) the user accepted from the preview's suggestions.
    """
    options = options or ImportOptions()
    importer_check(user=user)
    data = mapped_columns(frame=frame, mapping=mapping, kind=ImportKind.ACCOUNTS)
    labels = {spec.name: str(spec.label) for spec in ACCOUNT_FIELDS}
    if "revenue" in data and "year" not in data:
        raise ImportFileError(
            _("A revenue column needs a year column: map a column to “%(field)s”.") % {"field": labels["year"]}
        )
    turnover_unit = turnover_currency = ""
    if "company_turnover" in data:
        turnover_unit, turnover_currency = turnover_options_check(options)
    corrected = _apply_corrections(data, options.corrections)
    skipped = []
    nameless = data["name"] == ""
    if nameless.any():
        skipped.append(
            SkippedRows(reason=_("no account name"), lines=[int(v) for v in data.loc[nameless, LINE_COLUMN]])
        )
        data = data[~nameless].reset_index(drop=True)
    errors = RowErrors()
    parsed = _parse_cells(data, errors)
    parsed["company_turnover_unit"] = turnover_unit
    parsed["company_turnover_currency"] = turnover_currency
    if options.unit != 1:  # the unit chosen at the mapping step: amounts are stored in units of 1
        for amount in ("potential", "revenue"):
            parsed[amount] = parsed[amount] * options.unit
            errors.add_where(
                parsed[amount] >= MAX_AMOUNT,
                data[LINE_COLUMN],
                _("%(field)s is too large.") % {"field": _label(amount)},
            )
    if not user.is_administrator:
        # As in the edit form: only administrators hand an account to another manager.
        errors.add_where(
            parsed["owner_id"].notna() & (parsed["owner_id"] != user.pk),
            data[LINE_COLUMN],
            _("Only an administrator can give an account to another key account manager."),
        )
    register = Register.load()
    _flag_duplicates(data, parsed, errors)
    matched, by_reference = _match(data, parsed, register, errors)
    parents = _resolve_parents(data, parsed, matched, register, errors)
    rows = _plan_rows(data, parsed, matched, by_reference, parents, user, errors)

    preview = ImportPreview(kind=ImportKind.ACCOUNTS, errors=errors.as_list(), skipped=skipped)
    preview.suggestions = parsed.attrs.get("suggestions", [])
    preview.contacts = sum(1 for row in rows if row.contact)
    actions = [row.action for row in rows]
    preview.to_create, preview.to_update, preview.unchanged = (actions.count(a) for a in (CREATE, UPDATE, UNCHANGED))
    preview.warnings = corrected + _owner_hint(data, parsed) + _warnings(data)
    if "revenue" in data:
        stale = stale_warning(years=parsed["year"][parsed["revenue"].notna()].dropna().astype(int).tolist())
        if stale:
            preview.warnings.append(stale)
    preview.sample = [_sample(row, data, parsed, labels) for row in rows[:SAMPLE_SIZE]]
    return AccountImportPlan(user=user, preview=preview, rows=rows, currency=options.currency_code)


def _text(data: pd.DataFrame, name: str) -> pd.Series:
    return data[name] if name in data else pd.Series("", index=data.index, dtype=str)


def _parse_cells(data: pd.DataFrame, errors: RowErrors) -> pd.DataFrame:
    """Typed values for every cell, and a reason on the row for each one that is wrong."""
    lines = data[LINE_COLUMN]

    def flag(mask: pd.Series, message: str, column: str | None = None, **params: object) -> None:
        """Add message to each row of mask; %(value)s is the cell of `column`, other %(names)s come from params."""
        if column is None:
            errors.add_where(mask, lines, message % params if params else message)
        else:
            errors.add_where(mask, lines, lambda i: message % {"value": data.at[i, column], **params})

    parsed = pd.DataFrame(index=data.index)
    name = _text(data, "name")
    flag(name.str.len() > 200, _("The name is longer than 200 characters."))
    parsed["name"] = name
    parsed["key"] = normalise_names(name)
    parsed["reference"] = normalise_ids(_text(data, "reference"))
    flag(parsed["reference"].str.len() > 50, _("The reference is longer than 50 characters."))

    # An unknown value close to a known one is a suggestion the user accepts once for all its rows.
    parsed["lifecycle"], invalid = parse_lifecycles(_text(data, "lifecycle"))
    suggestions = _flag_with_suggestions(
        flag,
        data,
        "lifecycle",
        invalid,
        index=lifecycle_index(),
        label_of=lambda value: str(Lifecycle(value).label),
        unknown=_("“%(value)s” is not a lifecycle: use prospect, customer or former customer."),
        did_you_mean=_("“%(value)s” is not a lifecycle: did you mean %(suggestion)s?"),
    )
    parsed["country"], invalid = parse_countries(_text(data, "country"))
    suggestions += _flag_with_suggestions(
        flag,
        data,
        "country",
        invalid,
        index=country_index(),
        label_of=lambda code: str(countries.name(code)),
        unknown=_("“%(value)s” is not a country: use its ISO code (FR, DE) or its English or French name."),
        did_you_mean=_("“%(value)s” is not a country: did you mean %(suggestion)s?"),
    )
    for name_, limit in TEXT_LIMITS.items():
        parsed[name_] = _text(data, name_)
        flag(
            parsed[name_].str.len() > limit,
            _("“%(field)s” is longer than %(limit)s characters."),
            field=_label(name_),
            limit=limit,
        )
    parsed["sector"] = normalise_sectors(parsed["sector"], Account.objects.sectors_in_use())
    parsed["website"], invalid = parse_websites(_text(data, "website"))
    flag(invalid, _("“%(value)s” is not a web address."), "website")
    parsed["contact_email"] = _text(data, "contact_email")
    flag(invalid_emails(parsed["contact_email"]), _("“%(value)s” is not an e-mail address."), "contact_email")

    employees, invalid = parse_numbers(_text(data, "employees"))
    flag(invalid, _("The number of employees “%(value)s” is not a number."), "employees")
    flag(
        employees.notna() & ((employees < 0) | (employees % 1 != 0) | (employees > 2**31 - 1)),
        _("The number of employees must be a whole number, 0 or more."),
    )
    parsed["employees"] = employees
    turnover, invalid = parse_numbers(_text(data, "company_turnover"))
    flag(invalid, _("The company turnover “%(value)s” is not an amount."), "company_turnover")
    flag(turnover < 0, _("The company turnover cannot be negative."))
    flag(turnover >= MAX_TURNOVER, _("The company turnover is too large."))
    parsed["company_turnover"] = turnover
    founded, invalid = parse_numbers(_text(data, "founded_year"))
    this_year = date.today().year
    flag(
        invalid | (founded.notna() & (~founded.between(FIRST_FOUNDED_YEAR, this_year) | (founded % 1 > 0))),
        _("The year founded “%(value)s” is not a year between %(first)s and %(last)s."),
        "founded_year",
        first=FIRST_FOUNDED_YEAR,
        last=this_year,
    )
    parsed["founded_year"] = founded
    for amount in ("potential", "revenue"):
        values, invalid = parse_numbers(_text(data, amount))
        flag(invalid, _("%(field)s “%(value)s” is not an amount."), amount, field=_label(amount))
        flag(values < 0, _("%(field)s cannot be negative."), field=_label(amount))
        flag(values >= MAX_AMOUNT, _("%(field)s is too large."), field=_label(amount))
        parsed[amount] = values
    years, invalid = parse_numbers(_text(data, "year"))
    not_a_year = invalid | (years.notna() & ~years.between(1000, 9999)) | (years % 1 > 0)
    flag(not_a_year, _("“%(value)s” is not a year."), "year")
    flag_financial_years(years=years.where(~not_a_year), lines=data[LINE_COLUMN], errors=errors)
    parsed["year"] = years
    flag(parsed["revenue"].notna() & years.isna() & ~invalid, _("The revenue has no year."))

    parsed["owner_id"], found = users_match(
        _text(data, "owner"),
        lines,
        errors,
        users=assignable_users(Role.KEY_ACCOUNT_MANAGER),
        not_found=_("No key account manager has the username, e-mail or full name “%(value)s”."),
        field="owner",
        field_label=_label("owner"),
    )
    suggestions += found
    parsed["service_manager_id"], found = users_match(
        _text(data, "service_manager"),
        lines,
        errors,
        users=assignable_users(),
        not_found=_("No user has the username, e-mail or full name “%(value)s”."),
        field="service_manager",
        field_label=_label("service_manager"),
    )
    suggestions += found
    parsed.attrs["suggestions"] = suggestions
    parsed["parent"] = _text(data, "parent")
    return parsed


def _apply_corrections(data: pd.DataFrame, corrections: dict[str, dict[str, str]]) -> list[str]:
    """Replace (in place) the cells the user accepted a suggestion for; say so, so nothing changes silently."""
    labels = {"country": lambda code: str(countries.name(code)), "lifecycle": lambda value: str(Lifecycle(value).label)}
    notes = []
    for name, fixes in corrections.items():
        if name not in data or not fixes:
            continue
        counts = data[name][data[name].isin(list(fixes))].value_counts()
        for value, count in counts.items():
            replacement = fixes[value]
            notes.append(
                ngettext(
                    "“%(value)s” is read as %(replacement)s on %(count)s row, as you accepted.",
                    "“%(value)s” is read as %(replacement)s on %(count)s rows, as you accepted.",
                    count,
                )
                % {"value": value, "replacement": labels.get(name, str)(replacement), "count": count_text(count)}
            )
        data[name] = data[name].replace(fixes)
    return notes


def _flag_with_suggestions(
    flag, data: pd.DataFrame, field: str, invalid: pd.Series, *, index: dict, label_of, unknown: str, did_you_mean: str
) -> list[Suggestion]:
    """Flag the invalid cells of `field`, offering the close match of each distinct one that has one."""
    cells = _text(data, field)
    suggested = close_matches(cells[invalid], index)
    flag(invalid & ~cells.isin(suggested), unknown, field)
    suggestions = []
    for value, replacement in suggested.items():
        where = invalid & (cells == value)
        shown = label_of(replacement)
        flag(where, did_you_mean, field, suggestion=shown)
        suggestions.append(
            Suggestion(
                field=field,
                field_label=_label(field),
                value=value,
                replacement=replacement,
                replacement_label=shown,
                lines=[int(line) for line in data.loc[where, LINE_COLUMN]],
            )
        )
    return suggestions


def _label(name: str) -> str:
    return next(str(spec.label) for spec in ACCOUNT_FIELDS if spec.name == name)


def turnover_options_check(options: ImportOptions) -> tuple[str, str]:
    """(unit, currency) of a company-turnover column: the user must say them, as nothing in a number does."""
    unit = options.turnover_unit
    currency = options.turnover_currency.strip().upper()
    if unit not in TurnoverUnit.values or not re.fullmatch(r"[A-Z]{3}", currency):
        raise ImportFileError(
            _(
                "Say in which unit and currency the company turnover is written (for example million, USD): "
                "it is kept as the customer reports it."
            )
        )
    return unit, currency


def _flag_duplicates(data: pd.DataFrame, parsed: pd.DataFrame, errors: RowErrors) -> None:
    """Two rows for one account would fight over its values: every line of a duplicate is reported."""
    lines = data[LINE_COLUMN]
    checks = (
        ("reference", parsed["reference"], _("The reference “%(value)s” is on several lines: %(lines)s.")),
        ("key", parsed["key"], _("The name “%(value)s” is on several lines: %(lines)s.")),
    )
    for column, keys, message in checks:
        repeated = (keys != "") & keys.duplicated(keep=False)
        for _key, group in lines[repeated].groupby(keys[repeated]):
            shown = parsed.at[group.index[0], "reference" if column == "reference" else "name"]
            for line in group:
                errors.add(line, message % {"value": shown, "lines": line_list(group)})


def _match(
    data: pd.DataFrame, parsed: pd.DataFrame, register: Register, errors: RowErrors
) -> tuple[dict[int, int], set[int]]:
    """{row: account} on reference, else on normalised name; and which rows matched on reference."""
    matched: dict[int, int] = {}
    by_reference: set[int] = set()
    for index, reference, key in zip(parsed.index, parsed["reference"], parsed["key"], strict=True):
        if reference and reference in register.by_reference:
            matched[index] = register.by_reference[reference]
            by_reference.add(index)
            continue
        if not key:
            continue
        candidates = register.by_key.get(key, [])
        if reference:  # an account with another reference is another company of the same name
            candidates = [pk for pk in candidates if not register.references[pk]]
        if len(candidates) == 1:
            matched[index] = candidates[0]
        elif candidates:
            errors.add(
                data.at[index, LINE_COLUMN],
                _("Several accounts of the register are named “%(name)s”: add a reference column to say which one.")
                % {"name": parsed.at[index, "name"]},
            )
    rows_of: dict[int, list[int]] = {}
    for index, pk in matched.items():
        rows_of.setdefault(pk, []).append(index)
    for pk, indexes in rows_of.items():
        if len(indexes) > 1:
            lines = [int(data.at[i, LINE_COLUMN]) for i in indexes]
            for line in lines:
                errors.add(
                    line,
                    _("Lines %(lines)s are all the account “%(name)s” of the register.")
                    % {"lines": line_list(lines), "name": register.names[pk]},
                )
    return matched, by_reference


def _resolve_parents(
    data: pd.DataFrame, parsed: pd.DataFrame, matched: dict[int, int], register: Register, errors: RowErrors
) -> dict[int, Node]:
    """{row: parent node}; a parent is another row's or account's reference or name. Loops are errors."""

    def node(index: int) -> Node:
        return ("pk", matched[index]) if index in matched else ("new", index)

    references, keys = parsed["reference"], parsed["key"]
    file_by_reference = {
        ref: i for i, ref in references[(references != "") & ~references.duplicated(keep=False)].items()
    }
    file_by_key = {key: i for i, key in keys[(keys != "") & ~keys.duplicated(keep=False)].items()}
    parents: dict[int, Node] = {}
    for index, text in parsed["parent"][parsed["parent"] != ""].items():
        line = data.at[index, LINE_COLUMN]
        reference = FLOAT_ID.sub(r"\1", text)
        key = normalise_name(text)
        if reference in file_by_reference:
            parents[index] = node(file_by_reference[reference])
        elif reference in register.by_reference:
            parents[index] = ("pk", register.by_reference[reference])
        elif key in file_by_key:
            parents[index] = node(file_by_key[key])
        elif len(register.by_key.get(key, [])) == 1:
            parents[index] = ("pk", register.by_key[key][0])
        elif register.by_key.get(key):
            errors.add(
                line,
                _("Several accounts are named “%(name)s”: give the parent account's reference instead.")
                % {"name": text},
            )
        else:
            errors.add(
                line, _("The parent account “%(name)s” is neither in the file nor in the register.") % {"name": text}
            )

    parent_of: dict[Node, Node] = {("pk", child): ("pk", parent) for child, parent in register.parents.items()}
    for index, parent in parents.items():
        parent_of[node(index)] = parent
    # One walk up from each account, never through an account twice: a long chain stays linear.
    walked: dict[Node, bool] = {}  # False while on the current walk, True once finished
    looping: set[Node] = set()
    for index in parents:
        path, current = [], node(index)
        while current is not None and current not in walked:
            walked[current] = False
            path.append(current)
            current = parent_of.get(current)
        if current is not None and walked[current] is False:
            looping.update(path[path.index(current) :])
        walked.update(dict.fromkeys(path, True))
    for index, parent in parents.items():
        if node(index) not in looping:
            continue
        message = (
            _("An account cannot be its own parent.")
            if parent == node(index)
            else _("The parent “%(name)s” belongs to this account's own group: the group would loop.")
            % {"name": parsed.at[index, "parent"]}
        )
        errors.add(data.at[index, LINE_COLUMN], message)
    return parents


def _plan_rows(
    data: pd.DataFrame,
    parsed: pd.DataFrame,
    matched: dict[int, int],
    by_reference: set[int],
    parents: dict[int, Node],
    user,
    errors: RowErrors,
) -> list[PlannedRow]:
    """What each valid row changes, compared with the register; rows the user may not change are errors."""
    # Plain values, not model instances: comparing 10,000 rows must not build 10,000 objects.
    accounts: dict[int, dict] = {}
    editable: set[int] = set()
    contacts: set[tuple[int, str]] = set()
    financials: dict[tuple[int, int], Decimal] = {}
    for batch in chunked(sorted(set(matched.values()))):
        accounts.update(
            (values["pk"], values) for values in Account.objects.filter(pk__in=batch).order_by().values(*COMPARED)
        )
        editable.update(Account.objects.editable_by(user).filter(pk__in=batch).values_list("pk", flat=True))
        found = pd.DataFrame(
            Contact.objects.filter(account_id__in=batch).values_list("account_id", "name"), columns=["account", "name"]
        )
        contacts.update(zip(found["account"], normalise_names(found["name"]), strict=True))
        for account_id, year, revenue in YearlyFinancial.objects.filter(account_id__in=batch).values_list(
            "account_id", "year", "revenue"
        ):
            financials[(account_id, year)] = revenue
    default_owner = user.pk if user.is_key_account_manager else None
    contact_keys = normalise_names(parsed["contact_name"])
    # Joining a group changes that group's revenue and map: only under an account the user may edit.
    # A parent that is a new row of this file is the importer's own account, so it is always allowed.
    parent_pks = sorted({parent[1] for parent in parents.values() if parent[0] == "pk"})
    graft_refused: dict[int, str] = {}
    if not user.is_administrator:
        for batch in chunked(parent_pks):
            allowed = set(Account.objects.editable_by(user).filter(pk__in=batch).values_list("pk", flat=True))
            graft_refused.update(
                Account.objects.filter(pk__in=set(batch) - allowed).order_by().values_list("pk", "name")
            )

    rows: list[PlannedRow] = []
    for index, (line, record) in enumerate(zip(data[LINE_COLUMN], parsed.itertuples(index=False), strict=True)):
        if errors.has(line):
            continue
        account = accounts.get(matched.get(index))
        values = _row_values(record, new=account is None, rename=index in by_reference)
        if account is None and "owner_id" not in values:
            values["owner_id"] = default_owner
        row = PlannedRow(
            index=index,
            line=int(line),
            node=("pk", account["pk"]) if account else ("new", index),
            values=values,
            parent=parents.get(index),
            current=account,
        )
        if account is not None:
            row.changed = [attname for attname, value in values.items() if account[attname] != value]
            if row.parent and (row.parent[0] == "new" or row.parent[1] != account["parent_id"]):
                row.changed.append("parent_id")
        if record.contact_name and (account is None or (account["pk"], contact_keys[index]) not in contacts):
            row.contact = {
                "name": record.contact_name,
                "job_title": record.contact_title,
                "email": record.contact_email,
                "phone": record.contact_phone,
            }
        if pd.notna(record.revenue) and pd.notna(record.year):
            row.financial = (int(record.year), _decimal(record.revenue))
            current = financials.get((account["pk"], row.financial[0])) if account else None
            if current is None:
                row.financial_action = CREATE
            elif current != row.financial[1]:
                row.financial_action = UPDATE
        parent = row.parent
        grafted = parent and parent[0] == "pk" and parent[1] in graft_refused
        if grafted and (account is None or account["parent_id"] != parent[1]):  # an existing link is no new graft
            errors.add(
                line,
                _("You may not attach an account to %(parent)s's group: you cannot edit %(parent)s.")
                % {"parent": graft_refused[parent[1]]},
            )
            continue
        if row.action == UPDATE and account["pk"] not in editable:
            errors.add(
                line,
                _("You may not change the account “%(name)s”: it is run by another key account manager.")
                % {"name": account["name"]},
            )
            continue
        rows.append(row)
    return rows


def _decimal(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _row_values(record, *, new: bool, rename: bool) -> dict[str, object]:
    """Model values from the row's filled cells: an empty cell leaves the account's value as it is."""
    values: dict[str, object] = {}
    if new or rename:
        values["name"] = record.name
    if record.reference:
        values["reference"] = record.reference
    for name in ("lifecycle", "sector", "country", "city", "website"):
        if getattr(record, name):
            values[name] = getattr(record, name)
    if new and "lifecycle" not in values:
        values["lifecycle"] = Lifecycle.CUSTOMER
    if pd.notna(record.employees):
        values["employees"] = int(record.employees)
    if pd.notna(record.owner_id):
        values["owner_id"] = int(record.owner_id)
    if pd.notna(record.service_manager_id):
        values["service_manager_id"] = int(record.service_manager_id)
    if pd.notna(record.company_turnover):
        values["company_turnover"] = _decimal(record.company_turnover)
        values["company_turnover_unit"] = record.company_turnover_unit
        values["company_turnover_currency"] = record.company_turnover_currency
    if pd.notna(record.founded_year):
        values["founded_year"] = int(record.founded_year)
    if pd.notna(record.potential):
        values["potential"] = _decimal(record.potential)
    return values


def _owner_hint(data: pd.DataFrame, parsed: pd.DataFrame) -> list[str]:
    """Owners named but not found on many rows usually mean the sales team is not imported yet: say how to go on."""
    unknown = int(((_text(data, "owner") != "") & parsed["owner_id"].isna()).sum())
    if not unknown:
        return []
    return [
        ngettext(
            "%(count)s row names an owner who is not one of our users: import the sales-team file first "
            "(administrators), or ignore the owner column.",
            "%(count)s rows name an owner who is not one of our users: import the sales-team file first "
            "(administrators), or ignore the owner column.",
            unknown,
        )
        % {"count": count_text(unknown)}
    ]


def _warnings(data: pd.DataFrame) -> list[str]:
    details = [name for name in ("contact_title", "contact_email", "contact_phone") if name in data]
    if not details:
        return []
    orphans = int(((data[details] != "").any(axis=1) & (_text(data, "contact_name") == "")).sum())
    if not orphans:
        return []
    return [
        ngettext(
            "%(count)s line has contact details but no contact name: those details were not imported.",
            "%(count)s lines have contact details but no contact name: those details were not imported.",
            orphans,
        )
        % {"count": count_text(orphans)}
    ]


def _sample(row: PlannedRow, data: pd.DataFrame, parsed: pd.DataFrame, labels: dict[str, str]) -> dict:
    actions = {CREATE: _("create"), UPDATE: _("update"), UNCHANGED: _("unchanged")}
    shown: dict[str, object] = {_("Line"): row.line, _("Action"): actions[row.action]}
    for name in labels:
        if name not in data:
            continue
        value = parsed.at[row.index, name] if name in parsed and name != "owner" else data.at[row.index, name]
        if name in ("potential", "revenue", "company_turnover") and pd.notna(value):
            value = _decimal(value)
        elif name in ("employees", "year", "founded_year") and pd.notna(value):
            value = int(value)
        elif name == "lifecycle" and value:
            value = Lifecycle(value).label
        shown[labels[name]] = "" if value is None or (isinstance(value, float) and pd.isna(value)) else value
    return shown
