"""Writes to the account register that touch several rows or models."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import DecimalField, ExpressionWrapper, F, FloatField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, NullIf

from accounts.financial_year import financial_year_in_use
from accounts.models import Account, FinancialYearSetting, YearlyFinancial
from kam.models import User
from kam.notifications import notifications_send
from kam.texts import text_ref


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


ACCOUNT_ROLES = ("owner", "service_manager", "executive_sponsor")


def account_people(account: Account) -> dict[str, int | None]:
    """Who holds each role on the account now: pass it to account_roles_notify after a change."""
    return {role: getattr(account, f"{role}_id") for role in ACCOUNT_ROLES}


def account_roles_notify(*, account: Account, before: dict[str, int | None], by: User) -> int:
    """Tell each person newly given a role on the account (its reviews, plan and map are now theirs to run
    or sponsor); not someone who gave it to himself. Once per account, role and person."""
    from accounts import texts

    sent = 0
    for role in ACCOUNT_ROLES:
        person = getattr(account, role)
        if person is None or person.pk == before.get(role) or person.pk == by.pk:
            continue
        ref = text_ref(texts.ACCOUNT_ROLE_GIVEN, who=by, role=text_ref(f"accounts.role.{role}"), account=account.name)
        sent += len(
            notifications_send(
                users=[person],
                kind="account_role",
                message_for=lambda user: ref,  # noqa: B023 - sent within this iteration
                url=account.get_absolute_url(),
                dedupe_key=f"account-{account.pk}-{role}-{person.pk}",
            )
        )
    return sent
