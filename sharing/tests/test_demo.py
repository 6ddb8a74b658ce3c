"""The demo shares the sponsor's running plan: the dashboard card and the sharing page have something to show."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from kam.models import User
from sharing.models import PlanShare, ShareInvitation

pytestmark = pytest.mark.django_db


def test_seed_demo_shares_a_plan_read_by_one_contact_once(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    share = PlanShare.objects.get()
    assert ShareInvitation.objects.filter(share=share).count() == 2
    assert ShareInvitation.objects.filter(share=share, first_opened_at__isnull=False).count() == 1
    client.force_login(User.objects.get(username="sponsor"))
    page = client.get("/dashboard/").content.decode()
    assert share.plan.title in page and "1 of 2 invited" in page
    client.force_login(User.objects.get(username="manager"))
    assert client.get(f"/sharing/plans/{share.plan.pk}/").status_code == 200
