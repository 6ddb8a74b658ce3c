"""A contributor finds the action a manager gave her (notified, on My work, filtered by date), and a sponsor
approves a plan from the worklist without leaving it."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import AccountFactory
from e2e.conftest import serious_violations
from kam.models import Notification
from kam.roles import Role
from kam.tests.factories import UserFactory
from plans.models import AccountPlan, Action, PlanStatus
from plans.services import action_create, plan_create, plan_submit
from plans.tests.factories import ObjectiveFactory


def test_contributor_is_told_of_her_action_and_finds_it_on_my_work(page, sign_in, axe, transactional_db):
    manager = UserFactory(username="e2e-kam", first_name="Marc", last_name="Dubois", role=Role.KEY_ACCOUNT_MANAGER)
    helper = UserFactory(username="e2e-helper", first_name="Nora", last_name="Petit", role=Role.CONTRIBUTOR)
    account = AccountFactory(name="Velo Lyon", owner=manager, is_key=True, segment="loyal_core")
    today = timezone.localdate()
    plan = plan_create(account=account, by=manager, starts_on=today, ends_on=today + timedelta(days=400))
    action_create(
        action=Action(plan=plan, title="Check the March invoices", owner=helper, due_on=today + timedelta(days=45)),
        by=manager,
    )
    action_create(
        action=Action(plan=plan, title="Marc's own call", owner=manager, due_on=today + timedelta(days=2)), by=manager
    )

    sign_in(helper)
    page.goto("/notifications/")
    expect(page.locator("main")).to_contain_text("Marc Dubois gave you an action on the plan")
    page.get_by_role("link", name="My work").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    main = page.locator("main")
    expect(main).to_contain_text("Check the March invoices")
    expect(main).not_to_contain_text("Marc's own call")
    expect(page.get_by_role("heading", name="Later")).to_be_visible()
    assert serious_violations(axe, page) == []

    page.get_by_label("Due").select_option("overdue")
    page.get_by_role("button", name="Filter").click()
    expect(main).to_contain_text("Nothing of yours matches these filters.")
    page.get_by_label("Due").select_option("later")
    page.get_by_role("button", name="Filter").click()
    expect(main).to_contain_text("Check the March invoices")

    # In French, the notification created while English was active reads in French.
    page.goto("/notifications/")
    page.evaluate("document.cookie = 'django_language=fr; path=/'")
    page.reload()
    expect(page.locator("main")).to_contain_text("Marc Dubois vous a confié une action du plan")


def test_sponsor_approves_a_plan_from_the_worklist(page, sign_in, axe, transactional_db):
    manager = UserFactory(username="e2e-kam2", first_name="Marc", last_name="Dubois", role=Role.KEY_ACCOUNT_MANAGER)
    sponsor = UserFactory(username="e2e-sp2", first_name="Sophie", last_name="Laurent", role=Role.EXECUTIVE_SPONSOR)
    account = AccountFactory(name="Velo Lyon", owner=manager, executive_sponsor=sponsor, is_key=True)
    today = timezone.localdate()
    plan = plan_create(account=account, by=manager, starts_on=today, ends_on=today + timedelta(days=400))
    ObjectiveFactory(plan=plan)
    plan_submit(plan=plan, by=manager)
    assert Notification.objects.filter(user=sponsor, kind="plan_submitted", read_at=None).exists()
    Notification.objects.create(user=sponsor, kind="info", message="The spring survey is open", dedupe_key="news")

    sign_in(sponsor)
    decisions = page.locator("#worklist-decisions")
    expect(decisions).to_contain_text("Plan to approve:")
    assert serious_violations(axe, page) == []
    menu_link = page.get_by_role("navigation").get_by_role("link", name="Notifications")
    badge = menu_link.locator(".badge")
    unread_card = page.locator("#worklist-notifications")
    expect(badge).to_have_text("2 unread")
    expect(unread_card).to_contain_text("submitted")
    decisions.get_by_role("button", name="Approve").click()
    expect(page.locator(f"#approve-plan-{plan.pk}")).to_contain_text("Approved")
    # Without a reload, the request is no longer news: the menu's count and the unread card follow.
    expect(badge).to_have_text("1 unread")
    expect(unread_card).not_to_contain_text("submitted")
    expect(unread_card).to_contain_text("The spring survey is open")
    page.reload()
    expect(badge).to_have_text("1 unread")
    plan.refresh_from_db()
    assert plan.status in (PlanStatus.ACTIVE, PlanStatus.APPROVED)
    assert AccountPlan.objects.get(pk=plan.pk).approved_by == sponsor
    assert not Notification.objects.filter(user=sponsor, kind="plan_submitted", read_at=None).exists()
