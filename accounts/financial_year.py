"""The financial year the register, scoring and the dashboard use: the one the data actually has.

A customer's export may end years ago; "last year" taken from the calendar would show every figure as missing.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Max
from django.utils import timezone

from accounts.models import FinancialYearSetting, YearlyFinancial


def latest_financial_year_with_data(*, today: date | None = None) -> int | None:
    """The latest complete year (before the current calendar year) any account has revenue for; None if none."""
    current = (today or timezone.localdate()).year
    return YearlyFinancial.objects.filter(year__lt=current).aggregate(latest=Max("year"))["latest"]


def financial_year_in_use(*, today: date | None = None) -> int | None:
    """The year the administrator set, else the latest complete year with data; None when there is none."""
    fixed = FinancialYearSetting.objects.filter(pk=1).values_list("fixed_year", flat=True).first()
    if fixed:
        return fixed
    return latest_financial_year_with_data(today=today)
