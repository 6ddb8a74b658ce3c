"""Factories for account plans."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from accounts.tests.factories import AccountFactory
from plans.models import AccountPlan, Action, Checkpoint, Objective


class AccountPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountPlan

    account = factory.SubFactory(AccountFactory)
    title = factory.Sequence(lambda n: f"Plan {n}")
    starts_on = date(2027, 1, 1)
    ends_on = date(2028, 12, 31)


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    plan = factory.SubFactory(AccountPlanFactory)
    title = factory.Sequence(lambda n: f"Objective {n}")
    baseline = Decimal("100")
    target = Decimal("200")
    due_on = date(2028, 12, 31)


class CheckpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Checkpoint

    objective = factory.SubFactory(ObjectiveFactory)
    label = "Q1 2027"
    due_on = date(2027, 3, 31)
    target = Decimal("125")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    plan = factory.SubFactory(AccountPlanFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    due_on = date(2027, 6, 30)


def big_plan(plan: AccountPlan, *, objectives: int = 10, checkpoints: int = 4, actions: int = 60, owner=None) -> None:
    """A realistic plan: by default 10 objectives, 40 checkpoints, 60 actions."""
    made = [ObjectiveFactory(plan=plan, title=f"Objective number {i}", position=i) for i in range(objectives)]
    Checkpoint.objects.bulk_create(
        Checkpoint(
            objective=o,
            label=f"Q{q + 1}",
            due_on=date(2027, 3 * q + 3, 28),
            target=100 + 25 * (q + 1),
            actual=100 + 24 * (q + 1) if q < 2 else None,
        )
        for o in made
        for q in range(checkpoints)
    )
    Action.objects.bulk_create(
        Action(
            plan=plan,
            title=f"Action number {i}",
            owner=owner,
            objective=made[i % len(made)] if made else None,
            due_on=date(2027, 1 + i % 12, 15),
        )
        for i in range(actions)
    )
