"""Import a CRM's opportunities: won deals become yearly revenue, open ones the pipeline, lost ones are counted.

Deals are stored by their CRM id, and each touched account-year's revenue is recomputed from every won deal
stored for it, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
from django.utils import formats
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
from accounts.importing.fields import OPPORTUNITY_FIELDS, ImportKind
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
from accounts.importing.parsing import normalise_ids, parse_dates, parse_numbers
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
from accounts.models import Account, Deal, DealOutcome, Lifecycle, YearlyFinancial

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
SAMPLE_SIZE = 20
MAX_AMOUNT = 10**12
TEXT_LIMITS = {"deal_id": 100, "stage": 100, "product": 200, "owner": 200}
# The Deal values an import compares with a row, in this order.
DEAL_VALUES = (
    "account_id",
    "stage",
    "outcome",
    "amount",
    "currency",
    "close_date",
    "engaged_on",
    "product",
    "line_id",
    "sales_agent",
)


@dataclass
class YearTotal:
    target: int  # an account's pk, or a negative key of an account the import creates
    year: int
    revenue: Decimal
    action: str


@dataclass
class OpportunityImportPlan:
    user: object
    preview: ImportPreview
    currency: str
    new_accounts: dict[int, dict[str, object]] = field(default_factory=dict)
    deals: list[dict] = field(default_factory=list)  # new or changed deals; account_id may be a negative key
    replaced: list[int] = field(default_factory=list)  # pks of stored deals the file changes
    totals: list[YearTotal] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    # Revenue by product line of the touched account-years; lines the import creates have negative keys.
    line_totals: LineTotals = field(default_factory=LineTotals)
    new_lines: dict[int, str] = field(default_factory=dict)

    def apply(self) -> ImportResult:
        """Create the missing accounts, store the deals, then write the changed yearly revenues, with history."""
        history = {"user": self.user, "reason": HISTORY_REASON}
        keys = list(self.new_accounts)
        pks = insert_with_history(model=Account, rows=[self.new_accounts[key] for key in keys], **history)
        pk_of = dict(zip(keys, pks, strict=True))
        line_pk = new_lines_create(names=self.new_lines, **history)
        for batch in chunked(self.replaced):
            Deal.objects.filter(pk__in=batch).delete()
        Deal.objects.bulk_create(
            [
                Deal(
                    **{
                        **deal,
                        "account_id": pk_of.get(deal["account_id"], deal["account_id"]),
                        "line_id": line_pk.get(deal["line_id"], deal["line_id"]),
                    }
                )
                for deal in self.deals
            ],
            batch_size=500,
        )
        changes = [(pk_of.get(t.target, t.target), t.year, t.revenue) for t in self.totals if t.action != UNCHANGED]
        yearly_revenues_upsert(revenues=changes, new_accounts=pks, currency=self.currency, **history)
        line_revenues_upsert(revenues=self.line_totals.rows(account_pk=pk_of, line_pk=line_pk), currency=self.currency)
        return ImportResult(
            created=self.preview.to_create,
            updated=self.preview.to_update,
            unchanged=self.preview.unchanged,
            warnings=_warnings(self.facts, done=True),
            kind=ImportKind.OPPORTUNITIES,
            counts=_summary(self.totals, self.facts, currency=self.currency, done=True, line_totals=self.line_totals),
        )


def _label(name: str) -> str:
    return next(str(spec.label) for spec in OPPORTUNITY_FIELDS if spec.name == name)


def _text(data: pd.DataFrame, name: str) -> pd.Series:
    return data[name] if name in data else pd.Series("", index=data.index, dtype=str)


def opportunities_plan(
    *,
    frame: pd.DataFrame,
    mapping: dict[str, str],
    user,
    create_missing_accounts: bool = False,
    options: ImportOptions | None = None,
) -> OpportunityImportPlan:
    """Check every deal, sort them into won, open and lost, and add up won deals per account and year."""
    options = options or ImportOptions()
    importer_check(user=user)
    data = mapped_columns(frame=frame, mapping=mapping, kind=ImportKind.OPPORTUNITIES)
    no_account = data["account"] == ""
    facts: dict = {"no_account": int(no_account.sum())}
    data = data[~no_account]
    errors = RowErrors()
    outcome_of = {stage: options.outcome_of(stage) for stage in data["stage"].unique()}
    register = Register.load()
    targets, new_accounts, missing = _resolve_accounts(
        data,
        data[LINE_COLUMN],
        data["stage"].map(outcome_of),
        register,
        errors,
        user=user,
        create=create_missing_accounts,
    )
    # Rows the user chose to skip are counted, not checked: their problems are not this import's.
    skipped = data["account"].isin(missing)
    facts["missing_rows"] = int(skipped.sum())
    data = data[~skipped]
    lines = data[LINE_COLUMN]

    def flag(mask: pd.Series, message: str, column: str | None = None) -> None:
        if column is None:
            errors.add_where(mask, lines, message)
        else:
            errors.add_where(mask, lines, lambda i: message % {"value": data.at[i, column]})

    outcomes = data["stage"].map(outcome_of)
    flag(data["stage"] == "", _("The stage is missing."))
    flag(
        (data["stage"] != "") & (outcomes == ""),
        _("The stage “%(value)s” is not known as won, open or lost: say what it means at the mapping step."),
        "stage",
    )
    won = outcomes == DealOutcome.WON
    amounts, invalid = parse_numbers(data["amount"])
    flag(invalid, _("The amount “%(value)s” is not a number."), "amount")
    amounts = amounts * options.unit
    flag(won & amounts.isna() & ~invalid, _("The won deal has no amount."))
    flag(amounts < 0, _("The amount of a deal cannot be negative."))
    flag(amounts >= MAX_AMOUNT, _("The amount is too large."))
    close_dates, invalid = parse_dates(_text(data, "close_date"))
    flag(invalid, _("“%(value)s” is not a date."), "close_date")
    flag(
        won & (_text(data, "close_date") == ""),
        _("The won deal has no close date: it says which year's revenue the deal is."),
    )
    # Only won deals must fall in a past financial year: an open deal's expected close date may be next year.
    flag_financial_years(years=close_dates.dt.year.where(won), lines=lines, errors=errors)
    engaged, invalid = parse_dates(_text(data, "engage_date"))
    flag(invalid, _("“%(value)s” is not a date."), "engage_date")
    for name, limit in TEXT_LIMITS.items():
        flag(
            _text(data, name).str.len() > limit,
            _("“%(field)s” is longer than %(limit)s characters.") % {"field": _label(name), "limit": limit},
        )
    deal_ids = _deal_ids(data)
    for deal_id, found in lines.groupby(deal_ids, sort=False):
        if len(found) > 1:
            errors.add(
                found.iloc[1],
                _("The deal “%(id)s” appears more than once (lines %(lines)s): keep one row per deal.")
                % {"id": deal_id, "lines": line_list(found)},
            )

    products = _text(data, "product").str.strip()
    line_keys = pd.Series(float("nan"), index=data.index)
    resolution = catalogue = None
    if "product" in data:
        catalogue = LineCatalogue.load()
        resolution = product_lines_resolve(
            values=products,
            lines=lines,
            errors=errors,
            choices=options.corrections.get(LINE_CHOICES, {}),
            field_name="product",
            field_label=_label("product"),
            catalogue=catalogue,
            check_length=False,
        )
        line_keys = resolution.keys(products)

    facts["missing_accounts"] = len(missing)
    facts["new_accounts"] = len(new_accounts)
    valid = ~lines.isin(list(errors.lines)) & data["account"].isin(list(targets))
    deals = pd.DataFrame(
        {
            "external_id": deal_ids[valid],
            "account_id": data["account"][valid].map(targets),
            "stage": data["stage"][valid],
            "outcome": outcomes[valid],
            "amount": amounts[valid],
            "close_date": close_dates[valid],
            "engaged_on": engaged[valid],
            "product": _text(data, "product")[valid],
            "line_id": line_keys[valid],
            "sales_agent": _text(data, "owner")[valid],
        }
    )
    counts = deals["outcome"].value_counts()
    facts.update({outcome: int(counts.get(outcome, 0)) for outcome in DealOutcome.values})
    facts["pipeline"] = float(deals.loc[deals.outcome == DealOutcome.OPEN, "amount"].sum())
    records = _records(deals, currency=options.currency_code)
    stored = _stored_deals([record["external_id"] for record in records])
    changed = [record for record in records if _compared(record) != stored.get(record["external_id"], (None, None))[1]]
    facts["deals_new"] = sum(record["external_id"] not in stored for record in changed)
    facts["deals_changed"] = len(changed) - facts["deals_new"]
    facts["deals_unchanged"] = len(records) - len(changed)
    totals = _totals(records, stored, currency=options.currency_code)
    line_totals = _line_totals(records, stored, currency=options.currency_code)
    totals, refused = _refuse_other_managers(totals, data, lines, targets, register, errors, user=user)
    line_totals = line_totals.without(refused)
    if resolution is not None:
        facts["lines"] = {
            "new_lines": len(resolution.new_lines),
            "without_line": sum(
                record["outcome"] == DealOutcome.WON and record["line_id"] is None for record in records
            ),
        }
    facts["stale"] = stale_warning(years=[total.year for total in totals])

    preview = ImportPreview(kind=ImportKind.OPPORTUNITIES, errors=errors.as_list())
    actions = [total.action for total in totals]
    preview.to_create, preview.to_update, preview.unchanged = (actions.count(a) for a in (CREATE, UPDATE, UNCHANGED))
    preview.counts = _summary(totals, facts, currency=options.currency_code, done=False, line_totals=line_totals)
    if resolution is not None and catalogue is not None:
        preview.suggestions = resolution.suggestions
        preview.line_choices = resolution.choices
        preview.line_options = sorted(catalogue.active.items(), key=lambda item: item[1].casefold())
    preview.warnings = _warnings(facts, done=False)
    names = {**register.names, **{key: values["name"] for key, values in new_accounts.items()}}
    preview.sample = [
        {
            _("Account"): names[total.target],
            _("Year"): total.year,
            _("Revenue from won deals"): total.revenue,
            _("Action"): {CREATE: _("create"), UPDATE: _("update"), UNCHANGED: _("unchanged")}[total.action],
        }
        for total in totals[:SAMPLE_SIZE]
    ]
    return OpportunityImportPlan(
        user=user,
        preview=preview,
        currency=options.currency_code,
        new_accounts=new_accounts,
        deals=changed,
        replaced=[stored[record["external_id"]][0] for record in changed if record["external_id"] in stored],
        totals=totals,
        facts=facts,
        line_totals=line_totals,
        new_lines=resolution.new_lines if resolution is not None else {},
    )


def _deal_ids(data: pd.DataFrame) -> pd.Series:
    """The CRM's id; a row without one gets a key from its values, so the same row imported again matches."""
    ids = normalise_ids(data["deal_id"]) if "deal_id" in data else pd.Series("", index=data.index, dtype=str)
    missing = ids == ""
    if missing.any():
        values = ["account", "stage", "close_date", "amount", "product", "owner", "engage_date"]
        joined = data[[name for name in values if name in data]][missing].agg("\x1f".join, axis=1)
        digests = joined.map(lambda text: "row-" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:20])
        # Two identical rows are two deals: number the repeats.
        repeat = digests.groupby(digests).cumcount()
        ids = ids.copy()
        ids[missing] = digests.where(repeat == 0, digests + "-" + repeat.astype(str))
    return ids


def _records(deals: pd.DataFrame, *, currency: str) -> list[dict]:
    records = []
    for row in deals.itertuples(index=False):
        records.append(
            {
                "external_id": row.external_id,
                "account_id": int(row.account_id),
                "stage": row.stage,
                "outcome": row.outcome,
                "amount": None if pd.isna(row.amount) else Decimal(f"{row.amount:.2f}") + 0,
                "currency": currency,
                "close_date": None if pd.isna(row.close_date) else row.close_date.date(),
                "engaged_on": None if pd.isna(row.engaged_on) else row.engaged_on.date(),
                "product": row.product,
                "line_id": None if pd.isna(row.line_id) else int(row.line_id),
                "sales_agent": row.sales_agent,
            }
        )
    return records


def _compared(record: dict) -> tuple:
    return tuple(record[name] for name in DEAL_VALUES)


def _stored_deals(external_ids: list[str]) -> dict[str, tuple[int, tuple]]:
    """{external id: (pk, compared values)} of the stored deals the file names."""
    stored = {}
    for batch in chunked(external_ids):
        for row in Deal.objects.filter(external_id__in=batch).values("pk", "external_id", *DEAL_VALUES):
            stored[row["external_id"]] = (row["pk"], _compared(row))
    return stored


def _totals(records: list[dict], stored: dict[str, tuple[int, tuple]], *, currency: str) -> list[YearTotal]:
    """Revenue per touched account-year from every won deal: the stored ones, as the file leaves them."""
    account_at = DEAL_VALUES.index("account_id")
    outcome_at, close_at = DEAL_VALUES.index("outcome"), DEAL_VALUES.index("close_date")
    touched: set[tuple[int, int]] = set()
    for record in records:
        if record["outcome"] == DealOutcome.WON:
            touched.add((record["account_id"], record["close_date"].year))
    for _pk, values in stored.values():  # a deal that moved or stopped being won leaves its old year to recompute
        if values[outcome_at] == DealOutcome.WON and values[close_at]:
            touched.add((values[account_at], values[close_at].year))
    if not touched:
        return []
    in_file = {record["external_id"] for record in records}
    sums: dict[tuple[int, int], Decimal] = dict.fromkeys(touched, Decimal("0.00"))
    existing_accounts = sorted({account for account, _year in touched if account > 0})
    for batch in chunked(existing_accounts):
        won = Deal.objects.filter(account_id__in=batch, outcome=DealOutcome.WON, close_date__isnull=False)
        for external_id, account, close_date, amount in won.values_list(
            "external_id", "account_id", "close_date", "amount"
        ):
            key = (account, close_date.year)
            if external_id not in in_file and key in sums and amount is not None:
                sums[key] += amount
    for record in records:
        if record["outcome"] == DealOutcome.WON:
            sums[(record["account_id"], record["close_date"].year)] += record["amount"]
    current: dict[tuple[int, int], tuple[Decimal, str]] = {}
    for batch in chunked(existing_accounts):
        rows = YearlyFinancial.objects.filter(account_id__in=batch).values_list(
            "account_id", "year", "revenue", "currency"
        )
        current.update({(account, year): (revenue, code) for account, year, revenue, code in rows})
    totals = []
    for (target, year), revenue in sorted(sums.items()):
        stored_value = current.get((target, year))
        action = CREATE if stored_value is None else (UNCHANGED if stored_value == (revenue, currency) else UPDATE)
        totals.append(YearTotal(target=target, year=year, revenue=revenue, action=action))
    return totals


def _line_totals(records: list[dict], stored: dict[str, tuple[int, tuple]], *, currency: str) -> LineTotals:
    """Revenue per touched account-line-year from every won deal with a line, as _totals does per account-year."""
    account_at, line_at = DEAL_VALUES.index("account_id"), DEAL_VALUES.index("line_id")
    outcome_at, close_at = DEAL_VALUES.index("outcome"), DEAL_VALUES.index("close_date")
    touched: set[tuple[int, int, int]] = set()
    for record in records:
        if record["outcome"] == DealOutcome.WON and record["line_id"] is not None:
            touched.add((record["account_id"], record["line_id"], record["close_date"].year))
    for _pk, values in stored.values():  # a deal that left a line or a year leaves it to recompute
        if values[outcome_at] == DealOutcome.WON and values[close_at] and values[line_at]:
            touched.add((values[account_at], values[line_at], values[close_at].year))
    if not touched:
        return LineTotals()
    in_file = {record["external_id"] for record in records}
    sums: dict[tuple[int, int, int], Decimal] = dict.fromkeys(touched, Decimal("0.00"))
    for batch in chunked(sorted({account for account, _line, _year in touched if account > 0})):
        won = Deal.objects.filter(
            account_id__in=batch, outcome=DealOutcome.WON, close_date__isnull=False, line__isnull=False
        )
        for external_id, account, line, close_date, amount in won.values_list(
            "external_id", "account_id", "line_id", "close_date", "amount"
        ):
            key = (account, line, close_date.year)
            if external_id not in in_file and key in sums and amount is not None:
                sums[key] += amount
    for record in records:
        if record["outcome"] == DealOutcome.WON and record["line_id"] is not None:
            sums[(record["account_id"], record["line_id"], record["close_date"].year)] += record["amount"]
    frame = pd.DataFrame(
        [(target, line, year, float(amount)) for (target, line, year), amount in sums.items()],
        columns=["target", "line", "year", "amount"],
    )
    return line_totals_compare(frame, currency=currency)


def _lines_summary(totals: LineTotals, facts: dict, *, done: bool) -> list[str]:
    if "lines" not in facts and not totals.changed and not totals.unchanged:
        return []
    return lines_summary(totals=totals, done=done, **facts.get("lines", {"new_lines": 0, "without_line": 0}))


def _resolve_accounts(
    data: pd.DataFrame,
    lines: pd.Series,
    outcomes: pd.Series,
    register: Register,
    errors: RowErrors,
    *,
    user,
    create: bool,
) -> tuple[dict[str, int], dict[int, dict[str, object]], list[str]]:
    """({account text: target}, {negative key: new account}, account texts skipped because not in the register)."""
    targets: dict[str, int] = {}
    unknown: list[str] = []
    for text in data["account"].unique():
        pk, candidates = register.find(text)
        if pk is not None:
            targets[text] = pk
        elif candidates:
            found = lines[data["account"] == text]
            errors.add(
                found.iloc[0],
                _("Several accounts are named “%(account)s” (lines %(lines)s): use their references instead.")
                % {"account": text, "lines": line_list(found)},
            )
        else:
            unknown.append(text)
    new_accounts: dict[int, dict[str, object]] = {}
    if not create:
        return targets, new_accounts, unknown
    owner = user.pk if user.is_key_account_manager else None
    has_won = set(data["account"][outcomes == DealOutcome.WON])
    for number, text in enumerate(unknown, start=1):
        if len(text) > 200:
            errors.add(
                lines[data["account"] == text].iloc[0],
                _("The account “%(account)s” cannot be created: its name is longer than 200 characters.")
                % {"account": text[:60]},
            )
            continue
        targets[text] = -number
        new_accounts[-number] = {
            "name": text,
            "owner_id": owner,
            "lifecycle": Lifecycle.CUSTOMER if text in has_won else Lifecycle.PROSPECT,
        }
    return targets, new_accounts, []


def _refuse_other_managers(
    totals: list[YearTotal],
    data: pd.DataFrame,
    lines: pd.Series,
    targets: dict[str, int],
    register: Register,
    errors: RowErrors,
    *,
    user,
) -> tuple[list[YearTotal], set[int]]:
    """Accounts the user may not change are errors, listing their lines, like the edit form refuses them."""
    accounts = sorted({int(target) for target in targets.values() if target > 0})
    editable: set[int] = set()
    for batch in chunked(accounts):
        editable.update(Account.objects.editable_by(user).filter(pk__in=batch).values_list("pk", flat=True))
    refused = set(accounts) - editable
    for text, target in targets.items():
        if target in refused:
            found = lines[data["account"] == text]
            errors.add(
                found.iloc[0],
                _(
                    "You may not change the account “%(name)s” (lines %(lines)s): "
                    "it is run by another key account manager."
                )
                % {"name": register.names[target], "lines": line_list(found)},
            )
    return [total for total in totals if total.target not in refused], refused


def money_text(amount: float, currency: str) -> str:
    """ "1.2 M EUR", "45.3 k EUR", "950 EUR": a pipeline at a glance."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if abs(amount) >= size:
            return f"{formats.number_format(round(amount / size, 1), decimal_pos=1)} {suffix} {currency}"
    return f"{formats.number_format(round(amount), decimal_pos=0)} {currency}"


def _summary(totals: list[YearTotal], facts: dict, *, currency: str, done: bool, line_totals: LineTotals) -> list[str]:
    written = [total for total in totals if total.action != UNCHANGED]
    lines = [
        revenues_summary(
            written=len(written),
            accounts=len({total.target for total in written}),
            unchanged=len(totals) - len(written),
            done=done,
        ),
        ngettext("%(count)s won deal", "%(count)s won deals", facts["won"]) % {"count": count_text(facts["won"])}
        + ", "
        + ngettext(
            "%(count)s open deal (pipeline %(pipeline)s)",
            "%(count)s open deals (pipeline %(pipeline)s)",
            facts["open"],
        )
        % {"count": count_text(facts["open"]), "pipeline": money_text(facts["pipeline"], currency)}
        + ", "
        + ngettext("%(count)s lost deal ignored", "%(count)s lost deals ignored", facts["lost"])
        % {"count": count_text(facts["lost"])}
        + ".",
        _("Deals: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.")
        % {
            "new": count_text(facts["deals_new"]),
            "changed": count_text(facts["deals_changed"]),
            "unchanged": count_text(facts["deals_unchanged"]),
        },
        *_lines_summary(line_totals, facts, done=done),
    ]
    if facts["no_account"]:
        lines.append(
            ngettext("%(count)s row skipped: no account.", "%(count)s rows skipped: no account.", facts["no_account"])
            % {"count": count_text(facts["no_account"])}
        )
    if facts["missing_rows"]:
        lines.append(
            ngettext(
                "%(count)s row skipped: its account is not in the register (%(accounts)s).",
                "%(count)s rows skipped: their account is not in the register (%(accounts)s).",
                facts["missing_rows"],
            )
            % {
                "count": count_text(facts["missing_rows"]),
                "accounts": ngettext("%(count)s account", "%(count)s accounts", facts["missing_accounts"])
                % {"count": count_text(facts["missing_accounts"])},
            }
        )
    return lines


def _warnings(facts: dict, *, done: bool) -> list[str]:
    warnings = []
    if facts["new_accounts"]:
        if done:
            message = ngettext(
                "%(count)s account was created for a deal's account not in the register.",
                "%(count)s accounts were created for deals' accounts not in the register.",
                facts["new_accounts"],
            )
        else:
            message = ngettext(
                "%(count)s account will be created for a deal's account not in the register.",
                "%(count)s accounts will be created for deals' accounts not in the register.",
                facts["new_accounts"],
            )
        warnings.append(message % {"count": count_text(facts["new_accounts"])})
    if facts["stale"]:
        warnings.append(facts["stale"])
    return warnings
