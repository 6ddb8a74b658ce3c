"""The demo: plans in several states on the demo sponsor's key accounts, seeded once."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from kam.demo import seed_users
from plans.demo import seed_plans
from plans.models import AccountPlan, Checkpoint, Metric, Objective, PlanStatus

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_the_sponsor_plans_in_several_states(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    sponsor_plans = AccountPlan.objects.filter(account__executive_sponsor__username="sponsor")
    assert set(sponsor_plans.values_list("status", flat=True)) == {
        PlanStatus.DRAFT,
        PlanStatus.SUBMITTED,
        PlanStatus.ACTIVE,
    }
    active = sponsor_plans.filter(status=PlanStatus.ACTIVE).first()
    # Beyond the sponsor's three, most large key accounts run an approved plan, as in a team using the routine.
    assert AccountPlan.objects.filter(status=PlanStatus.ACTIVE).values("account").distinct().count() >= 10
    assert active.versions.count() == 1
    assert Checkpoint.objects.filter(objective__plan=active, actual__isnull=False).exists()
    client.force_login(active.account.executive_sponsor)
    assert active.title in client.get("/plans/").content.decode()

    count = AccountPlan.objects.count()
    assert seed_plans(users=seed_users()) == 0 and AccountPlan.objects.count() == count  # idempotent

    AccountPlan.objects.all().delete()
    seed_plans(users=seed_users())


def test_demo_checkpoints_span_the_plan_with_labels_matching_their_dates_and_round_targets(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    objectives = Objective.objects.filter(plan__account__executive_sponsor__username="sponsor")
    assert objectives.exists()
    for objective in objectives.prefetch_related("checkpoints"):
        checkpoints = sorted(objective.checkpoints.all(), key=lambda c: c.due_on)
        assert len(checkpoints) >= 4
        assert checkpoints[-1].due_on == objective.due_on
        assert checkpoints[0].due_on - objective.plan.starts_on <= timedelta(days=92)
        for checkpoint in checkpoints:
            assert checkpoint.label == f"Q{(checkpoint.due_on.month - 1) // 3 + 1} {checkpoint.due_on.year}"
            assert checkpoint.target == checkpoint.target.to_integral_value()
            assert checkpoint.actual is None or checkpoint.actual == checkpoint.actual.to_integral_value()
        assert objective.target == objective.target.to_integral_value()
        if objective.metric == Metric.SATISFACTION:
            assert 0 <= objective.baseline < objective.target <= 100
        if objective.metric == Metric.REVENUE:
            assert objective.target % 1000 == 0 and all(c.target % 1000 == 0 for c in checkpoints)
