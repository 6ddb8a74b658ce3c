"""Import transaction lines: netted into revenue per account and calendar year, stored as yearly financials.

The file's total for an account-year replaces the stored revenue, so importing a file twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
from accounts.importing.fields import TRANSACTION_FIELDS, ImportKind
from accounts.importing.lines import (
    LINE_CHOICES,
    LineCatalogue,
    LineTotals,
    line_totals_compare,
    lines_summary,
    new_lines_create,
    product_lines_resolve,
)
from accounts.importing.options import ImportOptions
from accounts.importing.parsing import normalise_ids, parse_countries, parse_dates, parse_numbers, parse_percentages
from accounts.importing.reading import LINE_COLUMN
from accounts.importing.results import (
    ImportPreview,
    ImportResult,
    RowErrors,
    count_text,
    line_list,
    revenues_summary,
)
from accounts.importing.writing import insert_with_history, line_revenues_upsert, yearly_revenues_upsert
from accounts.models import Account, Lifecycle, YearlyFinancial

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
SAMPLE_SIZE = 20
MAX_AMOUNT = 10**12


@dataclass
class YearTotal:
    target: int  # an account's pk, or a negative key of an account the import creates
    year: int
    revenue: Decimal
    action: str


@dataclass
class TransactionImportPlan:
    user: object
    preview: ImportPreview
    new_accounts: dict[int, dict[str, object]] = field(default_factory=dict)
    totals: list[YearTotal] = field(default_factory=list)
    result_warnings: list[str] = field(default_factory=list)
    currency: str = ""
    # Revenue by product line, when a column is mapped to it; lines the import creates have negative keys.
    line_totals: LineTotals = field(default_factory=LineTotals)
    new_lines: dict[int, str] = field(default_factory=dict)
    line_facts: dict | None = None

    def apply(self) -> ImportResult:
        """Create the missing accounts, then upsert every changed yearly revenue, with history."""
        history = {"user": self.user, "reason": HISTORY_REASON}
        keys = list(self.new_accounts)
        pks = insert_with_history(model=Account, rows=[self.new_accounts[key] for key in keys], **history)
        pk_of = dict(zip(keys, pks, strict=True))
        changes = [(pk_of.get(t.target, t.target), t.year, t.revenue) for t in self.totals if t.action != UNCHANGED]
        yearly_revenues_upsert(revenues=changes, new_accounts=pks, currency=self.currency, **history)
        line_pk = new_lines_create(names=self.new_lines, **history)
        line_revenues_upsert(revenues=self.line_totals.rows(account_pk=pk_of, line_pk=line_pk), currency=self.currency)
        counts = [_summary(self.totals, done=True)]
        if self.line_facts is not None:
            counts += lines_summary(totals=self.line_totals, done=True, **self.line_facts)
        return ImportResult(
            created=self.preview.to_create,
            updated=self.preview.to_update,
            unchanged=self.preview.unchanged,
            warnings=self.result_warnings,
            kind=ImportKind.TRANSACTIONS,
            counts=counts,
        )


def _summary(totals: list[YearTotal], *, done: bool) -> str:
    written = [total for total in totals if total.action != UNCHANGED]
    return revenues_summary(
        written=len(written),
        accounts=len({total.target for total in written}),
        unchanged=len(totals) - len(written),
        done=done,
    )


def _text(data: pd.DataFrame, name: str) -> pd.Series:
    return data[name] if name in data else pd.Series("", index=data.index, dtype=str)


def _label(name: str) -> str:
    return next(str(spec.label) for spec in TRANSACTION_FIELDS if spec.name == name)


def transactions_plan(
    *,
    frame: pd.DataFrame,
    mapping: dict[str, str],
    user,
    create_missing_accounts: bool = False,
    options: ImportOptions | None = None,
) -> TransactionImportPlan:
    """Check every line and add them up per account and year; nothing is written."""
    options = options or ImportOptions()
    importer_check(user=user)
    data = mapped_columns(frame=frame, mapping=mapping, kind=ImportKind.TRANSACTIONS)
    if "amount" not in data and not {"quantity", "unit_price"} <= set(data.columns):
        raise ImportFileError(
            _("Map a column to “%(amount)s”, or columns to both “%(quantity)s” and “%(price)s”.")
            % {"amount": _label("amount"), "quantity": _label("quantity"), "price": _label("unit_price")}
        )
    customers = normalise_ids(data["customer"])
    anonymous = int((customers == "").sum())
    data, customers = data[customers != ""], customers[customers != ""]
    errors = RowErrors()
    lines = data[LINE_COLUMN]

    def flag(mask: pd.Series, message: str, column: str | None = None) -> None:
        if column is None:
            errors.add_where(mask, lines, message)
        else:
            errors.add_where(mask, lines, lambda i: message % {"value": data.at[i, column]})

    dates, invalid = parse_dates(data["date"])
    flag(data["date"] == "", _("The date is missing."))
    flag(invalid, _("“%(value)s” is not a date."), "date")
    flag_financial_years(years=dates.dt.year, lines=lines, errors=errors)
    amounts = _amounts(data, flag, unit=options.unit)
    if "credit_flag" in data and options.credit_values:
        # Only the file says what a credit note is: negative amounts, or the values the user picked in this column.
        # An id's shape never does ("C1234" is as likely a won deal as a cancellation).
        credit_keys = {value.casefold() for value in options.credit_values}
        credited = data["credit_flag"].str.casefold().isin(credit_keys)
        amounts = amounts.where(~credited, -amounts.abs())

    register = Register.load()
    targets, new_accounts, country_misses = _resolve_customers(
        data, customers, lines, register, errors, user=user, create=create_missing_accounts
    )
    catalogue = resolution = None
    line_keys = pd.Series(float("nan"), index=data.index)
    if "product_line" in data:
        catalogue = LineCatalogue.load()
        products = data["product_line"].str.strip()
        resolution = product_lines_resolve(
            values=products,
            lines=lines,
            errors=errors,
            choices=options.corrections.get(LINE_CHOICES, {}),
            field_name="product_line",
            field_label=_label("product_line"),
            catalogue=catalogue,
        )
        line_keys = resolution.keys(products)
    valid = ~lines.isin(list(errors.lines)) & customers.isin(list(targets))
    lines_frame = pd.DataFrame(
        {
            "target": customers[valid].map(targets),
            "year": dates[valid].dt.year,
            "amount": amounts[valid],
            "line": line_keys[valid],
        }
    )
    sums = lines_frame.groupby(["target", "year"], sort=True)["amount"].sum()
    line_totals = LineTotals()
    if resolution is not None:
        # Rows without a product count in their account's revenue above, and in no line.
        by_line = lines_frame.dropna(subset=["line"]).groupby(["target", "line", "year"], sort=True)["amount"].sum()
        line_totals = line_totals_compare(by_line.reset_index(), currency=options.currency_code)
    totals, refused = _compare(
        sums,
        also_changed={total.target for total in line_totals.changed},
        register=register,
        customers=customers,
        targets=targets,
        lines=lines,
        errors=errors,
        user=user,
        currency=options.currency_code,
    )

    line_totals = line_totals.without(refused)
    preview = ImportPreview(kind=ImportKind.TRANSACTIONS, errors=errors.as_list())
    actions = [total.action for total in totals]
    preview.to_create, preview.to_update, preview.unchanged = (actions.count(a) for a in (CREATE, UPDATE, UNCHANGED))
    line_facts = None
    if resolution is not None and catalogue is not None:
        line_facts = {
            "new_lines": len(resolution.new_lines),
            "without_line": int(lines_frame["line"].isna().sum()),
        }
        preview.suggestions = resolution.suggestions
        preview.line_choices = resolution.choices
        preview.line_options = sorted(catalogue.active.items(), key=lambda item: item[1].casefold())
    facts = {
        "skipped": anonymous,
        "cancellations": int((amounts[valid] < 0).sum()),
        "new_accounts": len(new_accounts),
        "negative": sum(total.revenue < 0 for total in totals),
        "country_misses": country_misses,
        "stale": stale_warning(years=[total.year for total in totals]),
    }
    preview.warnings = _warnings(facts, done=False)
    preview.counts = [_summary(totals, done=False)]
    if line_facts is not None:
        preview.counts += lines_summary(totals=line_totals, done=False, **line_facts)
    names = {**register.names, **{key: values["name"] for key, values in new_accounts.items()}}
    customer_of = {target: customer for customer, target in targets.items()}
    labels = {"customer": _label("customer"), "account": _("Account"), "year": _("Year"), "revenue": _("Revenue")}
    preview.sample = [
        {
            labels["customer"]: customer_of[total.target],
            labels["account"]: names[total.target],
            labels["year"]: total.year,
            labels["revenue"]: total.revenue,
            _("Action"): {CREATE: _("create"), UPDATE: _("update"), UNCHANGED: _("unchanged")}[total.action],
        }
        for total in totals[:SAMPLE_SIZE]
    ]
    return TransactionImportPlan(
        user=user,
        preview=preview,
        new_accounts=new_accounts,
        totals=totals,
        result_warnings=_warnings(facts, done=True),
        currency=options.currency_code,
        line_totals=line_totals,
        new_lines=resolution.new_lines if resolution is not None else {},
        line_facts=line_facts,
    )


def _amounts(data: pd.DataFrame, flag, *, unit: int = 1) -> pd.Series:
    """Each line's amount in units of 1: the amount column, else quantity × unit price × (1 − discount), × unit."""
    amounts = pd.Series(float("nan"), index=data.index)
    unreadable = pd.Series(False, index=data.index)
    if "amount" in data:
        amounts, invalid = parse_numbers(data["amount"])
        flag(invalid, _("The amount “%(value)s” is not a number."), "amount")
        unreadable |= invalid
    if "quantity" in data and "unit_price" in data:
        quantity, invalid = parse_numbers(data["quantity"])
        flag(invalid, _("The quantity “%(value)s” is not a number."), "quantity")
        unreadable |= invalid
        price, invalid = parse_numbers(data["unit_price"])
        flag(invalid, _("The unit price “%(value)s” is not a number."), "unit_price")
        unreadable |= invalid
        discount = pd.Series(0.0, index=data.index)
        if "discount" in data:
            discount, invalid = parse_percentages(data["discount"])
            flag(invalid, _("The discount “%(value)s” is not a number."), "discount")
            flag((discount < 0) | (discount > 1), _("The discount must be between 0 and 1 (or 0% and 100%)."))
            unreadable |= invalid
        amounts = amounts.fillna(quantity * price * (1 - discount.fillna(0)))
    flag(amounts.isna() & ~unreadable, _("The amount is missing (or the quantity, or the unit price)."))
    amounts = amounts * unit
    flag(amounts.abs() >= MAX_AMOUNT, _("The amount is too large."))
    return amounts


def _lines_of(customers: pd.Series, lines: pd.Series, wanted: list[str]) -> dict[str, list[int]]:
    chosen = customers.isin(wanted)
    return {customer: list(group) for customer, group in lines[chosen].groupby(customers[chosen], sort=False)}


def _resolve_customers(
    data: pd.DataFrame,
    customers: pd.Series,
    lines: pd.Series,
    register: Register,
    errors: RowErrors,
    *,
    user,
    create: bool,
) -> tuple[dict[str, int], dict[int, dict[str, object]], list[str]]:
    """({customer: target}, {negative key: new account values}, country names not recognised).

    A customer matches an account's reference, else its normalised name. Unknown customers are one
    error each (listing their lines) unless the import may create them.
    """
    targets: dict[str, int] = {}
    unknown, ambiguous = [], []
    for customer in customers.unique():
        pk, candidates = register.find(customer)
        if pk is not None:
            targets[customer] = pk
        elif candidates:
            ambiguous.append(customer)
        else:
            unknown.append(customer)
    for customer, found in _lines_of(customers, lines, ambiguous).items():
        errors.add(
            found[0],
            _("Several accounts are named “%(customer)s” (lines %(lines)s): use their references instead.")
            % {"customer": customer, "lines": line_list(found)},
        )
    new_accounts: dict[int, dict[str, object]] = {}
    country_misses: list[str] = []
    if not unknown:
        return targets, new_accounts, country_misses
    unknown_lines = _lines_of(customers, lines, unknown)
    if not create:
        for customer, found in unknown_lines.items():
            errors.add(
                found[0],
                _(
                    "The customer “%(customer)s” is not in the register (lines %(lines)s): import it as an account "
                    "first, or choose to create accounts for unknown customers."
                )
                % {"customer": customer, "lines": line_list(found)},
            )
        return targets, new_accounts, country_misses

    chosen = customers.isin(unknown)
    names = _first_filled(data["customer_name"][chosen], customers[chosen]) if "customer_name" in data else {}
    countries: dict[str, str] = {}
    if "country" in data:
        codes, invalid = parse_countries(data["country"][chosen])
        countries = _first_filled(codes, customers[chosen])
        without = ~customers[chosen].isin(list(countries))
        country_misses = sorted(set(data["country"][chosen][invalid & without]))
    owner = user.pk if user.is_key_account_manager else None
    for number, customer in enumerate(unknown, start=1):
        name = names.get(customer) or _("Customer %(id)s") % {"id": customer}
        if len(customer) > 50 or len(name) > 200:
            errors.add(
                unknown_lines[customer][0],
                _("The customer “%(customer)s” cannot become an account: its reference or name is too long.")
                % {"customer": customer},
            )
            continue
        targets[customer] = -number
        new_accounts[-number] = {
            "reference": customer,
            "name": name,
            "country": countries.get(customer, ""),
            "owner_id": owner,
            "lifecycle": Lifecycle.CUSTOMER,
        }
    return targets, new_accounts, country_misses


def _first_filled(values: pd.Series, customers: pd.Series) -> dict[str, str]:
    filled = values != ""
    return values[filled].groupby(customers[filled], sort=False).first().to_dict()


def _compare(
    sums: pd.Series,
    *,
    also_changed: set[int],
    register: Register,
    customers: pd.Series,
    targets: dict[str, int],
    lines: pd.Series,
    errors: RowErrors,
    user,
    currency: str,
) -> tuple[list[YearTotal], set[int]]:
    """Each account-year's total against the stored revenue, and the accounts the user may not change (errors).

    `also_changed`: accounts whose revenue by line the file changes, even where their yearly revenue stays.
    """
    existing_ids = sorted({int(target) for target, _year in sums.index if target > 0})
    stored: dict[tuple[int, int], tuple[Decimal, str]] = {}
    editable: set[int] = set()
    for batch in chunked(existing_ids):
        editable.update(Account.objects.editable_by(user).filter(pk__in=batch).values_list("pk", flat=True))
        rows = YearlyFinancial.objects.filter(account_id__in=batch).values_list(
            "account_id", "year", "revenue", "currency"
        )
        stored.update({(account, year): (revenue, code) for account, year, revenue, code in rows})
    totals = []
    for (target, year), amount in sums.items():
        revenue = Decimal(f"{amount:.2f}") + 0  # + 0 turns -0.00 into 0.00
        current = stored.get((int(target), int(year))) if target > 0 else None
        action = CREATE if current is None else (UNCHANGED if current == (revenue, currency) else UPDATE)
        totals.append(YearTotal(target=int(target), year=int(year), revenue=revenue, action=action))

    changed = {t.target for t in totals if t.action != UNCHANGED} | also_changed
    refused = {target for target in changed if target > 0 and target not in editable}
    if refused:
        refused_customers = [customer for customer, target in targets.items() if target in refused]
        for customer, found in _lines_of(customers, lines, refused_customers).items():
            errors.add(
                found[0],
                _(
                    "You may not change the account “%(name)s” (customer “%(customer)s”, lines %(lines)s): "
                    "it is run by another key account manager."
                )
                % {"name": register.names[targets[customer]], "customer": customer, "lines": line_list(found)},
            )
        totals = [total for total in totals if total.target not in refused]
    return totals, refused


def _warnings(facts: dict, *, done: bool) -> list[str]:
    warnings = []
    if facts["skipped"]:
        warnings.append(
            ngettext(
                "%(count)s line without a customer was skipped.",
                "%(count)s lines without a customer were skipped.",
                facts["skipped"],
            )
            % {"count": count_text(facts["skipped"])}
        )
    if facts["cancellations"]:
        warnings.append(
            ngettext(
                "%(count)s cancellation or credit line was deducted from the revenue.",
                "%(count)s cancellation or credit lines were deducted from the revenue.",
                facts["cancellations"],
            )
            % {"count": count_text(facts["cancellations"])}
        )
    if facts["new_accounts"]:
        if done:
            message = ngettext(
                "%(count)s account was created for a customer not in the register.",
                "%(count)s accounts were created for customers not in the register.",
                facts["new_accounts"],
            )
        else:
            message = ngettext(
                "%(count)s account will be created for a customer not in the register.",
                "%(count)s accounts will be created for customers not in the register.",
                facts["new_accounts"],
            )
        warnings.append(message % {"count": count_text(facts["new_accounts"])})
    if facts["negative"]:
        warnings.append(
            ngettext(
                "%(count)s yearly revenue is negative: the file has more cancellations than sales for it.",
                "%(count)s yearly revenues are negative: the file has more cancellations than sales for them.",
                facts["negative"],
            )
            % {"count": count_text(facts["negative"])}
        )
    if facts["country_misses"]:
        warnings.append(
            _("Countries not recognised, left empty on the new accounts: %(names)s.")
            % {"names": ", ".join(facts["country_misses"])}
        )
    if facts["stale"]:
        warnings.append(facts["stale"])
    return warnings
