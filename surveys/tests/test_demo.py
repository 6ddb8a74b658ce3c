"""The demo: two past campaigns whose answers show results, trends, the split and alerts; seeded once, fast."""

from __future__ import annotations

import pytest

from accounts.demo import seed_accounts
from accounts.demo_maps import seed_maps
from kam.demo import seed_users
from kam.models import Notification
from surveys.demo import seed_surveys
from surveys.frames import survey_results
from surveys.models import Campaign, ImprovementAction, Response

pytestmark = pytest.mark.django_db


def test_demo_surveys_show_trends_split_and_alerts(client):
    users = seed_users()
    seed_accounts(users=users)
    seed_maps(users=users)
    seed_surveys(users=users)
    assert Campaign.objects.count() == 2 and Response.objects.count() > 10
    results = survey_results()
    latest = results.latest()
    assert latest.overall_change.notna().all()  # every account has a trend against spring
    assert (latest.overall_change < -10).any()
    assert "product_only" in set(latest.split)
    assert {"drop", "dm_detractor", "no_dm"} <= set(results.alerts.kind)
    assert Notification.objects.filter(kind="survey_alert").exists()
    assert ImprovementAction.objects.count() == 2

    assert seed_surveys(users=users) == "already seeded" and Campaign.objects.count() == 2
    client.force_login(users["sponsor"])
    assert "ranked by drop" in client.get("/surveys/portfolio/").content.decode()
