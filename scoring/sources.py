"""Where each criterion's raw values come from: a registry other apps extend without touching scoring.

A source is a function taking the portfolio's base frame (one row per account,
indexed by account id, with the register's numeric columns, read in one query)
and returning a pandas Series of raw values indexed by account id; accounts
missing from it have no value. Apps register theirs in AppConfig.ready(), e.g.
surveys adds "satisfaction_index" by reading its own tables for those ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from django.db.models import FloatField
from django.db.models.functions import Cast
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.coverage import relationship_coverage_source
from accounts.models import Account, Lifecycle
from accounts.pipeline import open_pipeline_source
from kam.numbers import money

Loader = Callable[[pd.DataFrame], pd.Series]
BASE_COLUMNS = ["last_year_revenue", "revenue_growth", "potential", "employees"]


@dataclass(frozen=True)
class Source:
    key: str
    label: str | Promise
    load: Loader | None  # None: manual ratings, loaded per criterion
    # How a raw value reads: "money" (an amount in the configured currency), "%", "/10" or "" (a count).
    unit: str = ""


SOURCES: dict[str, Source] = {}


def register_source(key: str, label: str | Promise, load: Loader | None, *, unit: str = "") -> None:
    SOURCES[key] = Source(key, label, load, unit)


def raw_value_text(value: float | None, source_key: str) -> str:
    """A criterion's raw value with its unit, in the reader's number format: '2,984,501 EUR', '12.5 %'."""
    if value is None:
        return "—"
    source = SOURCES.get(source_key)
    unit = source.unit if source is not None else ""
    if unit == "money":
        return money(value)
    text = number_format(round(value, 2), decimal_pos=0 if float(value).is_integer() else 1, force_grouping=True)
    return f"{text}\u00a0{unit}" if unit else text


def source_choices() -> list[tuple[str, str | Promise]]:
    return [(source.key, source.label) for source in SOURCES.values()]


def portfolio_frame() -> pd.DataFrame:
    """The accounts to score (all but former customers) with the register's numeric columns, one query."""
    # Cast in SQL: 400,000 Decimal objects cost a second to build and convert in Python.
    as_float = {f"{name}_f": Cast(name, FloatField()) for name in BASE_COLUMNS}
    rows = (
        Account.objects.exclude(lifecycle=Lifecycle.FORMER).order_by().annotate(**as_float).values_list("pk", *as_float)
    )
    frame = pd.DataFrame.from_records(list(rows), columns=["account_id", *BASE_COLUMNS]).set_index("account_id")
    return frame.astype(float)


def _column(name: str) -> Loader:
    return lambda frame: frame[name]


def _share_of_wallet(frame: pd.DataFrame) -> pd.Series:
    return frame.last_year_revenue / frame.potential.where(frame.potential > 0) * 100


def _headroom(frame: pd.DataFrame) -> pd.Series:
    return (frame.potential - frame.last_year_revenue).clip(lower=0)


register_source(
    "last_year_revenue", _("Revenue of the financial year in use"), _column("last_year_revenue"), unit="money"
)
register_source("revenue_growth", _("Revenue growth %"), _column("revenue_growth"), unit="%")
register_source("potential", _("Estimated potential"), _column("potential"), unit="money")
register_source("share_of_wallet", _("Share of wallet %"), _share_of_wallet, unit="%")
register_source("headroom", _("Untapped headroom"), _headroom, unit="money")
register_source("employees", _("Employees"), _column("employees"))
register_source("manual", _("Manual rating 0–10"), None, unit="/10")
# The map's coverage and the imported deals' pipeline live in accounts, which imports no app above it:
# scoring lists them here.
register_source("relationship_coverage", _("Relationship coverage (decision-maker map)"), relationship_coverage_source)
register_source(
    "open_pipeline", _("Open pipeline (open deals imported from the CRM)"), open_pipeline_source, unit="money"
)
