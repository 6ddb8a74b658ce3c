"""A contributor logs a payment issue on a key account; the manager's worklist shows the playbook's action with
its reason; the manager opens a risk and links a mitigation action; the weekly job runs, and the account's health
trend and the dashboard's slipping list reflect it."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import AccountFactory, ContactFactory, InteractionFactory
from e2e.conftest import serious_violations
from health.frames import week_of
from health.models import HealthSnapshot, Risk
from health.services import health_weekly, snapshots_write
from kam.roles import Role
from kam.tests.factories import UserFactory
from plans.models import Action
from plans.tests.factories import AccountPlanFactory


def test_payment_issue_becomes_an_action_a_risk_and_a_slipping_account(page, sign_in, axe, transactional_db):
    manager = UserFactory(username="e2e-kam", first_name="Marc", last_name="Dubois", role=Role.KEY_ACCOUNT_MANAGER)
    service = UserFactory(username="e2e-sm", first_name="Tom", last_name="Walker", role=Role.KEY_ACCOUNT_MANAGER)
    contributor = UserFactory(username="e2e-fin", first_name="Chloé", last_name="Bernard", role=Role.CONTRIBUTOR)
    account = AccountFactory(name="Velo Lyon", owner=manager, service_manager=service, is_key=True)
    dora = ContactFactory(account=account, name="Dora Decider", buying_role="decision_maker", covered_by=manager)
    ContactFactory(account=account, name="Ugo User")
    today = timezone.localdate()
    InteractionFactory(account=account, contact=dora, occurred_on=today - timedelta(days=10))
    plan = AccountPlanFactory(account=account, title="Velo Lyon plan")
    Action.objects.create(plan=plan, title="Agree a payment schedule", owner=manager, due_on=today + timedelta(days=7))
    # Four weeks of healthy history before today.
    for back in (4, 3, 2, 1):
        snapshots_write(health=pd.Series({account.pk: 96.0}), week=week_of(today) - timedelta(weeks=back))

    sign_in(contributor)
    page.goto(f"/accounts/{account.pk}/", wait_until="domcontentloaded")
    page.get_by_role("link", name="Log an interaction").click()
    page.get_by_label("Kind").select_option("payment_issue")
    page.get_by_label("Summary").fill("Invoice 2026-114 unpaid for 60 days; deliveries on hold.")
    page.get_by_role("button", name="Log interaction").click()
    expect(page.locator("#interactions")).to_contain_text("Invoice 2026-114")

    page.context.clear_cookies()
    sign_in(manager)
    section = page.locator("#worklist-playbook-actions")
    expect(section).to_contain_text("Call the customer about the payment issue")
    expect(section).to_contain_text("Playbook “Payment issue on a key account”")
    expect(section).to_contain_text("Invoice 2026-114 unpaid")
    assert serious_violations(axe, page) == []

    section.get_by_role("link", name="Call the customer about the payment issue").click()
    expect(page.locator("#account-health")).to_contain_text("Payment issue on a key account")
    page.locator("#account-health").get_by_role("link", name="Open a risk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a risk")
    page.locator("#id_title").fill("Customer cash flow trouble")
    page.locator("#id_category").select_option("payment")
    page.locator("#id_likelihood").select_option("4")
    page.locator("#id_impact").select_option("5")
    page.get_by_label("Agree a payment schedule").check()
    assert serious_violations(axe, page) == []
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#risks")).to_contain_text("Customer cash flow trouble")
    risk = Risk.objects.get(title="Customer cash flow trouble")
    assert [a.title for a in risk.mitigation_actions.all()] == ["Agree a payment schedule"]

    result = health_weekly()  # the Monday job
    assert result["accounts"] == 1
    now = HealthSnapshot.objects.get(account=account, week=week_of(today)).score
    assert now is not None and now < 80

    page.goto(f"/accounts/{account.pk}/", wait_until="domcontentloaded")
    card = page.locator("#account-health")
    expect(card).to_contain_text("1 open risks, total exposure 20")
    expect(card).to_contain_text("0 incidents and 1 payment issues")
    expect(card.locator("[data-chart-source='chart-health'] .main-svg").first).to_be_attached()
    expect(page.locator("#worklist-risks")).to_have_count(0)  # not on this page; the worklist below has it

    page.goto("/dashboard/", wait_until="domcontentloaded")
    expect(page.locator("#slipping")).to_contain_text("Velo Lyon")
    assert serious_violations(axe, page) == []
    page.goto("/")
    expect(page.locator("#worklist-risks")).to_contain_text("Customer cash flow trouble")
