"""The demo: plans in several states on the demo sponsor's key accounts, seeded once."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import call_command

from kam.demo import seed_users
from plans.demo import seed_plans
from plans.models import AccountPlan, Checkpoint, PlanStatus

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
    active = sponsor_plans.get(status=PlanStatus.ACTIVE)
    assert active.versions.count() == 1
    assert Checkpoint.objects.filter(objective__plan=active, actual__isnull=False).exists()
    client.force_login(active.account.executive_sponsor)
    assert active.title in client.get("/plans/").content.decode()

    count = AccountPlan.objects.count()
    assert seed_plans(users=seed_users()) == 0 and AccountPlan.objects.count() == count  # idempotent

    AccountPlan.objects.all().delete()
    start = time.perf_counter()
    seed_plans(users=seed_users())
    assert time.perf_counter() - start < 3
