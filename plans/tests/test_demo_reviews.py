"""The demo: past reviews leave the demo manager and sponsor some reviews due, some overdue, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Account
from kam.demo import seed_users
from kam.models import Notification, User
from plans.demo_reviews import seed_reviews
from plans.models import Review
from plans.reviews import reviews_due

pytestmark = pytest.mark.django_db


def test_seed_demo_leaves_reviews_due_and_overdue_for_the_manager_and_the_sponsor(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    for field, username in (("owner", "manager"), ("executive_sponsor", "sponsor")):
        due = reviews_due(accounts=Account.objects.filter(**{f"{field}__username": username}))
        assert any(d.is_overdue for d in due), username
        assert any(not d.is_overdue for d in due), username
    assert Notification.objects.filter(user__username="sponsor", kind="review_overdue").exists()

    client.force_login(User.objects.get(username="sponsor"))
    page = client.get("/plans/reviews/").content.decode()
    assert "Overdue by" in page and "table-danger" in page

    count = Review.objects.count()
    assert seed_reviews(users=seed_users()) == 0  # idempotent
    assert Review.objects.count() == count
