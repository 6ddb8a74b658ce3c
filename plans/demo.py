"""Demo account plans on key accounts sponsored by the demo `sponsor`: a draft, a submitted, an approved one."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from accounts.models import Account
from kam.models import User
from plans.models import (
    AccountPlan,
    Action,
    ActionStatus,
    Checkpoint,
    Metric,
    Objective,
    Resource,
    ResourceKind,
    UnbilledService,
)
from plans.services import add_years, plan_approve, plan_create, plan_submit

# title, metric, baseline and target (revenue ones as multiples of last year's revenue), rounding unit of targets.
OBJECTIVES = [
    ("Grow revenue with the account", Metric.REVENUE, Decimal("1.10"), Decimal("1.35"), Decimal("1000")),
    ("Raise our share of wallet", Metric.SHARE_OF_WALLET, Decimal("30"), Decimal("45"), Decimal("1")),
    # The 0–100 satisfaction index the surveys compute.
    ("Lift satisfaction of key contacts", Metric.SATISFACTION, Decimal("70"), Decimal("82"), Decimal("1")),
]
ACTIONS = [
    "Quarterly business review with the purchasing director",
    "Present the logistics partnership to the operations team",
    "Joint innovation workshop",
    "Executive sponsor visit",
    "Fix recurring delivery incidents",
]


def _round(value: Decimal, unit: Decimal) -> Decimal:
    """Round to a whole number of units (1 000 for revenue), no cents."""
    return ((value / unit).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * unit).quantize(Decimal("1"))


def quarter_ends(starts_on: date, until: date) -> list[date]:
    """The calendar quarter ends after `starts_on` up to `until`, ending on `until` itself."""
    ends, year, quarter = [], starts_on.year, (starts_on.month - 1) // 3 + 1
    while True:
        month = quarter * 3
        end = date(year, month, 31 if month in (3, 12) else 30)
        if end >= until:
            break
        if end > starts_on:
            ends.append(end)
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return [*ends, until]


def quarter_label(day: date) -> str:
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


def _fill(plan: AccountPlan, users: dict[str, User], *, revenue: Decimal, record_until: date | None) -> None:
    owners = [users["manager"], users["contributor"], users["sponsor"], users["claire"]]
    for position, (title, metric, base, goal, unit) in enumerate(OBJECTIVES):
        scale = revenue if metric == Metric.REVENUE else Decimal(1)
        baseline, target = _round(base * scale, unit), _round(goal * scale, unit)
        objective = Objective.objects.create(
            plan=plan,
            title=title,
            metric=metric,
            baseline=baseline,
            target=target,
            due_on=plan.ends_on,
            position=position,
        )
        # One checkpoint per calendar quarter across the plan, the last on the objective's due date.
        dues = quarter_ends(plan.starts_on, objective.due_on)
        checkpoints = []
        for number, due in enumerate(dues, start=1):
            step = _round(baseline + (target - baseline) * Decimal(number) / len(dues), unit)
            actual = None
            if record_until and due <= record_until:
                # Most objectives keep pace; the third lags, so the demo shows every status.
                actual = _round(step * (Decimal("0.97") if position == 2 else Decimal("1.01")), Decimal("1"))
            checkpoints.append(
                Checkpoint(objective=objective, label=quarter_label(due), due_on=due, target=step, actual=actual)
            )
        Checkpoint.objects.bulk_create(checkpoints)
        for index, action in enumerate(ACTIONS[position : position + 2]):
            due = plan.starts_on + timedelta(days=60 + 120 * index + 30 * position)
            status = (
                ActionStatus.DONE if record_until and due < record_until - timedelta(days=60) else ActionStatus.TODO
            )
            Action.objects.create(
                plan=plan,
                title=action,
                owner=owners[(position + index) % 4],
                objective=objective,
                due_on=due,
                status=status,
            )
    Resource.objects.create(plan=plan, kind=ResourceKind.PEOPLE, description="Dedicated service manager, 2 days a week")
    Resource.objects.create(plan=plan, kind=ResourceKind.BUDGET, description="Joint events", amount=Decimal("15000"))
    UnbilledService.objects.create(
        plan=plan, description="Free on-site training of 12 users", given_on=plan.starts_on, estimated_value=4800
    )


def seed_plans(*, users: dict[str, User]) -> int:
    """Three plans on the demo sponsor's largest key accounts, once."""
    manager, sponsor = users["manager"], users["sponsor"]
    sponsored = Account.objects.filter(is_key=True, executive_sponsor=sponsor)
    if AccountPlan.objects.filter(account__in=sponsored).exists():
        return 0  # seeded before: leave the demo plans (and what people did with them) alone
    accounts = list(sponsored.order_by("-last_year_revenue")[:3])
    today = date.today()
    created = 0
    with transaction.atomic():
        for index, account in enumerate(accounts):
            kam = account.owner or manager
            # The third is approved and running since last spring, with past checkpoints recorded.
            starts_on = date(today.year - 1, 4, 1) if index == 2 else date(today.year + 1, 1, 1)
            plan = plan_create(
                account=account, by=kam, starts_on=starts_on, ends_on=add_years(starts_on, 2) - timedelta(days=1)
            )
            plan.shared_goals = "Both sides want fewer, larger deliveries and a shared forecast."
            plan.strengths, plan.threats = "Long history; trusted by operations.", "A competitor courts purchasing."
            plan.recommendations = "Propose a logistics partnership and a yearly joint innovation workshop."
            plan.save()
            revenue = account.last_year_revenue or Decimal("100000")
            _fill(plan, users, revenue=revenue, record_until=today if index == 2 else None)
            if index >= 1:
                plan_submit(plan=plan, by=kam)
            if index == 2:
                plan_approve(plan=plan, by=sponsor, comment="Agreed: go ahead.")
            created += 1
        created += _running_plans(users, exclude=[account.pk for account in accounts], today=today)
    return created


RUNNING_PLANS = 12


def _running_plans(users: dict[str, User], *, exclude: list[int], today: date) -> int:
    """Most other large key accounts run an approved plan too, as in a team that has adopted the routine."""
    others = (
        Account.objects.filter(is_key=True)
        .exclude(pk__in=exclude)
        .select_related("owner", "executive_sponsor")
        .order_by("-last_year_revenue")[:RUNNING_PLANS]
    )
    starts_on = date(today.year - 1, 4, 1)
    for account in others:
        kam = account.owner or users["manager"]
        plan = plan_create(
            account=account, by=kam, starts_on=starts_on, ends_on=add_years(starts_on, 2) - timedelta(days=1)
        )
        _fill(plan, users, revenue=account.last_year_revenue or Decimal("100000"), record_until=today)
        plan_submit(plan=plan, by=kam)
        plan_approve(plan=plan, by=account.executive_sponsor or users["sponsor"], comment="Agreed.")
    return len(others)
