"""Writes to the account register that touch several rows or models."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import DecimalField, ExpressionWrapper, F, FloatField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, NullIf

from accounts.financial_year import financial_year_in_use
from accounts.models import Account, FinancialYearSetting, YearlyFinancial


def financials_refresh(*, account_ids: Iterable[int] | None = None, today: date | None = None) -> int:
    """Recompute each account's revenue and growth for the financial year in use in one UPDATE; returns rows updated.

    When the year in use moved since the last refresh (newer figures arrived, or the administrator set another
    year), every account is recomputed: the others' columns would otherwise hold another year.
    """
    last_year = financial_year_in_use(today=today)
    setting = FinancialYearSetting.load()
    if setting.refreshed_for != last_year:
        account_ids = None
        FinancialYearSetting.objects.filter(pk=setting.pk).update(refreshed_for=last_year)
    if last_year is None:
        accounts = Account.objects.all()
        if account_ids is not None:
            accounts = accounts.filter(pk__in=list(account_ids))
        return accounts.update(last_year_revenue=None, revenue_growth=None)

    def revenue_of(year: int) -> Subquery:
        of_year = YearlyFinancial.objects.filter(account=OuterRef("pk"), year=year)
        return Subquery(of_year.order_by().values("revenue")[:1])

    accounts = Account.objects.all()
    if account_ids is not None:
        accounts = accounts.filter(pk__in=list(account_ids))
    updated = accounts.update(last_year_revenue=revenue_of(last_year))
    # Growth needs both years; NULLIF keeps a zero base from dividing, the cast keeps
    # SQLite from dividing whole amounts as integers.
    accounts.update(
        revenue_growth=ExpressionWrapper(
            (Cast(F("last_year_revenue"), FloatField()) / NullIf(revenue_of(last_year - 1), Value(0)) - 1) * 100,
            output_field=DecimalField(max_digits=8, decimal_places=1),
        )
    )
    return updated
