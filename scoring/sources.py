"""Where each criterion's raw values come from: a registry other apps extend without touching scoring.

A source is a function taking the ids of the accounts to score and returning a
pandas Series of raw values indexed by account id (missing accounts = no value).
Apps register theirs in AppConfig.ready(), e.g. surveys adds "satisfaction_index".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
from django.db.models import F
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Account

Loader = Callable[[Sequence[int]], pd.Series]


@dataclass(frozen=True)
class Source:
    key: str
    label: str | Promise
    load: Loader | None  # None: manual ratings, loaded per criterion


SOURCES: dict[str, Source] = {}


def register_source(key: str, label: str | Promise, load: Loader | None) -> None:
    SOURCES[key] = Source(key, label, load)


def source_choices() -> list[tuple[str, str | Promise]]:
    return [(source.key, source.label) for source in SOURCES.values()]


def _account_column(expression) -> Loader:
    def load(account_ids: Sequence[int]) -> pd.Series:
        rows = Account.objects.filter(pk__in=account_ids).order_by().annotate(v=expression).values_list("pk", "v")
        frame = pd.DataFrame(list(rows), columns=["pk", "value"])
        return pd.to_numeric(frame.set_index("pk")["value"], errors="coerce")

    return load


def _share_of_wallet(account_ids: Sequence[int]) -> pd.Series:
    rows = Account.objects.filter(pk__in=account_ids).values_list("pk", "last_year_revenue", "potential")
    frame = pd.DataFrame(list(rows), columns=["pk", "revenue", "potential"]).set_index("pk").astype(float)
    return (frame.revenue / frame.potential.where(frame.potential > 0) * 100).rename("value")


def _headroom(account_ids: Sequence[int]) -> pd.Series:
    rows = Account.objects.filter(pk__in=account_ids).values_list("pk", "last_year_revenue", "potential")
    frame = pd.DataFrame(list(rows), columns=["pk", "revenue", "potential"]).set_index("pk").astype(float)
    return (frame.potential - frame.revenue).clip(lower=0).rename("value")


register_source("last_year_revenue", _("Last year's revenue"), _account_column(F("last_year_revenue")))
register_source("revenue_growth", _("Revenue growth %"), _account_column(F("revenue_growth")))
register_source("potential", _("Estimated potential"), _account_column(F("potential")))
register_source("share_of_wallet", _("Share of wallet %"), _share_of_wallet)
register_source("headroom", _("Untapped headroom"), _headroom)
register_source("employees", _("Employees"), _account_column(F("employees")))
register_source("manual", _("Manual rating 0–10"), None)
