"""A sponsor approves a plan from the worklist: the notice asking for the approval is cleared, and the menu's
unread count and the worklist's unread card follow at once."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import AccountFactory
from kam.models import Notification
from kam.roles import Role
from kam.tests.factories import UserFactory
from plans.services import plan_create, plan_submit
from plans.tests.factories import ObjectiveFactory


def test_approving_from_the_worklist_lowers_the_unread_badge(page, sign_in, transactional_db):
    manager = UserFactory(username="e2e-kam", first_name="Marc", last_name="Dubois", role=Role.KEY_ACCOUNT_MANAGER)
    sponsor = UserFactory(username="e2e-sp", first_name="Sophie", last_name="Laurent", role=Role.EXECUTIVE_SPONSOR)
    account = AccountFactory(name="Velo Lyon", owner=manager, executive_sponsor=sponsor, is_key=True)
    today = timezone.localdate()
    plan = plan_create(account=account, by=manager, starts_on=today, ends_on=today + timedelta(days=400))
    ObjectiveFactory(plan=plan)
    plan_submit(plan=plan, by=manager)
    Notification.objects.create(user=sponsor, kind="info", message="The spring survey is open", dedupe_key="news")
    assert Notification.objects.filter(user=sponsor, read_at=None).count() == 2

    sign_in(sponsor)
    menu_link = page.get_by_role("navigation").get_by_role("link", name="Notifications")
    badge = menu_link.locator(".badge")
    expect(badge).to_have_text("2 unread")
    unread_card = page.locator("#worklist-notifications")
    expect(unread_card).to_contain_text("submitted")
    page.locator("#worklist-decisions").get_by_role("button", name="Approve").click()
    expect(page.locator(f"#approve-plan-{plan.pk}")).to_contain_text("Approved")
    expect(badge).to_have_text("1 unread")  # without reloading: the approval request is no longer news
    expect(unread_card).not_to_contain_text("submitted")  # nor is it listed as unread on the worklist
    expect(unread_card).to_contain_text("The spring survey is open")
    page.reload()
    expect(badge).to_have_text("1 unread")
    menu_link.click()
    expect(page.locator("main")).to_contain_text("The spring survey is open")
