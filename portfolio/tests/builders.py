"""A small portfolio with a finished segmentation run, plans in force and due items, for dashboard tests."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Account, YearlyFinancial
from plans.models import AccountPlan, Action, Checkpoint, Objective, PlanStatus, ReviewCadence
from scoring.models import AccountScore, RunStatus, SegmentationRun

XSS_NAME = "<b>x</b><img src=x onerror=alert(1)>"


def portfolio_build(*, manager, sponsor, other_manager=None, today: date | None = None) -> dict:
    """Four accounts: two key (one sponsored), a run that moved them, an active plan with due items."""
    today = today or timezone.localdate()
    last_year = today.year - 1
    colleague = other_manager or manager
    specs = [
        # name, segment, key, revenue, previous, potential, owner, sponsor, value, potential score, was key, before
        ("Alpha Industries", "loyal_core", True, 600, 500, 800, manager, sponsor, 90, 80, False, "high_potential"),
        (XSS_NAME, "high_potential", True, 200, 250, 1000, colleague, None, 70, 90, True, "high_potential"),
        ("Gamma Foods", "large_flat", False, 150, 150, 100, other_manager, sponsor, 60, 20, True, "loyal_core"),
        ("Delta Small", "small", False, 50, 40, 60, None, None, 10, 10, False, "small"),
    ]  # fmt: skip
    run = SegmentationRun.objects.create(status=RunStatus.DONE, finished_at=timezone.now(), summary={})
    accounts = []
    for name, segment, key, revenue, previous, potential, owner, sponsor_user, value, pot, was_key, before in specs:
        account = Account.objects.create(
            name=name,
            segment=segment,
            is_key=key,
            potential=Decimal(potential),
            owner=owner,
            executive_sponsor=sponsor_user,
            sector="Food" if "Foods" in name else "Industry",
            country="FR",
            last_year_revenue=Decimal(revenue),
        )
        YearlyFinancial.objects.create(account=account, year=last_year, revenue=Decimal(revenue))
        YearlyFinancial.objects.create(account=account, year=last_year - 1, revenue=Decimal(previous))
        AccountScore.objects.create(
            run=run,
            account=account,
            value_score=value,
            potential_score=pot,
            segment=segment,
            is_key=key,
            was_key=was_key,
            previous_segment=before,
        )
        accounts.append(account)
    alpha = accounts[0]
    plan = AccountPlan.objects.create(
        account=alpha,
        title="Alpha growth plan",
        starts_on=today - timedelta(days=90),
        ends_on=today + timedelta(days=600),
        status=PlanStatus.ACTIVE,
    )
    objective = Objective.objects.create(
        plan=plan, title="Grow revenue", baseline=100, target=200, due_on=today + timedelta(days=600)
    )
    Checkpoint.objects.create(
        objective=objective, label="Q1", due_on=today - timedelta(days=30), target=120, actual=125
    )
    Checkpoint.objects.create(objective=objective, label="Q2", due_on=today + timedelta(days=3), target=140)
    action = Action.objects.create(
        plan=plan, title="Invite the CFO to the plant", owner=manager, due_on=today - timedelta(days=2)
    )
    Action.objects.create(plan=plan, title="Far away action", owner=manager, due_on=today + timedelta(days=60))
    submitted = AccountPlan.objects.create(
        account=accounts[2],
        title="Gamma plan to approve",
        starts_on=today,
        ends_on=today + timedelta(days=365),
        status=PlanStatus.SUBMITTED,
    )
    # Alpha has been a key account for over a year under the default cadences: every review type is overdue.
    long_ago = timezone.now() - timedelta(days=400)
    Account.objects.filter(pk=alpha.pk).update(created_at=long_ago)
    ReviewCadence.objects.update(updated_at=long_ago)
    return {"accounts": accounts, "run": run, "plan": plan, "action": action, "submitted": submitted}
