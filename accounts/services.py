"""Writes to the account register that touch several rows or models."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, FloatField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, NullIf

from accounts.financial_year import financial_year_in_use
from accounts.models import Account, Deal, FinancialYearSetting, LineRevenue, ProductLine, YearlyFinancial
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


# --- Product lines ---------------------------------------------------------------------------------------------

# Apps above accounts (growth, plans) hold rows on a line; each moves its own rows when lines merge, registered
# from its AppConfig.ready(), so accounts never imports them. A step returns sentences about what it could not
# move as is (a clash kept the target's row).
LineMergeStep = Callable[..., list[str]]
LINE_MERGE_STEPS: list[LineMergeStep] = []
MERGE_REASON = "merge"


def register_line_merge_step(step: LineMergeStep) -> None:
    """Call `step(sources=[ProductLine], target=ProductLine, by=User) -> [notes]` within every merge."""
    if step not in LINE_MERGE_STEPS:
        LINE_MERGE_STEPS.append(step)


def product_lines_merge(*, sources: Iterable[ProductLine], target: ProductLine, by: User) -> list[str]:
    """Merge lines into `target`, all or nothing; the merged lines stay as its other names. Returns what to tell.

    Revenue by line is summed per account-year onto the target; deals and every registered app's rows move to
    it. The old names stay (merged_into, inactive) so the next import that still says them lands on the target.
    """
    with transaction.atomic():
        ids = sorted({line.pk for line in sources} - {target.pk})
        locked = {line.pk: line for line in ProductLine.objects.select_for_update().filter(pk__in=[*ids, target.pk])}
        if not ids or target.pk not in locked or any(locked[pk].merged_into_id for pk in locked):
            raise ValueError("Only lines of the catalogue, other than the target, can be merged into it.")
        target, merged = locked[target.pk], [locked[pk] for pk in ids]

        totals: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        currency: dict[tuple[int, int], str] = {}
        for account, year, revenue, code in LineRevenue.objects.filter(line_id__in=ids).values_list(
            "account_id", "year", "revenue", "currency"
        ):
            totals[(account, year)] += revenue
            currency.setdefault((account, year), code)
        for account, year, revenue, code in LineRevenue.objects.filter(line=target).values_list(
            "account_id", "year", "revenue", "currency"
        ):
            if (account, year) in totals:
                totals[(account, year)] += revenue
                currency[(account, year)] = code  # the target's currency wins
        LineRevenue.objects.filter(line_id__in=ids).delete()
        LineRevenue.objects.bulk_create(
            [
                LineRevenue(
                    account_id=account, line=target, year=year, revenue=revenue, currency=currency[(account, year)]
                )
                for (account, year), revenue in totals.items()
            ],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["account", "line", "year"],
            update_fields=["revenue", "currency"],
        )
        Deal.objects.filter(line_id__in=ids).update(line=target)
        ProductLine.objects.filter(merged_into_id__in=ids).update(merged_into=target)  # older aliases follow
        notes: list[str] = []
        for step in LINE_MERGE_STEPS:
            notes += step(sources=merged, target=target, by=by)
        for line in merged:
            line.merged_into, line.is_active = target, False
            line._history_user = by  # type: ignore[attr-defined]
            line._change_reason = MERGE_REASON  # type: ignore[attr-defined]
            line.save(update_fields=["merged_into", "is_active"])
        return notes
