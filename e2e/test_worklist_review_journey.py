"""From the worklist, "Record the review" opens the form with the type of the review that is due already chosen."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Account
from accounts.tests.factories import AccountFactory
from kam.roles import Role
from kam.tests.factories import UserFactory
from plans.models import Review, ReviewCadence


def test_record_the_review_from_the_worklist_keeps_the_type_that_is_due(page, sign_in, transactional_db):
    manager = UserFactory(username="e2e-kam", role=Role.KEY_ACCOUNT_MANAGER)
    account = AccountFactory(name="Velo Lyon", owner=manager, is_key=True, segment="loyal_core")
    long_ago = timezone.make_aware(datetime(2020, 1, 1))
    Account.objects.filter(pk=account.pk).update(created_at=long_ago)
    ReviewCadence.objects.update(updated_at=long_ago)
    # The follow-up and the quarterly review were held today: only the annual strategic review is due.
    for kind in ("follow_up", "business"):
        Review.objects.create(account=account, review_type=kind, held_on=timezone.localdate())

    sign_in(manager)
    due = page.locator("#worklist-due li", has_text="Velo Lyon").filter(has_text="review")
    expect(due).to_have_count(1)
    expect(due).to_contain_text("Annual strategic review")
    due.get_by_role("link", name="Record the review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a review of Velo Lyon")
    expect(page.get_by_label("Type")).to_have_value("strategic")
