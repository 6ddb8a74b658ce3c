"""At phone width: a manager shares an approved plan with two contacts; one opens the e-mailed link, gives the
code, comments, marks her action done and proposes another; the manager accepts it; the sponsor sees it read."""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import Browser, Page, expect

from accounts.tests.factories import AccountFactory, ContactFactory
from e2e.conftest import serious_violations
from kam.roles import Role
from kam.tests.factories import TEST_PASSWORD, UserFactory
from plans.models import Action, ActionStatus, PlanStatus
from plans.tests.factories import AccountPlanFactory, ActionFactory, CheckpointFactory, ObjectiveFactory
from sharing.models import ActionProposal, ShareInvitation

PHONE = {"width": 390, "height": 844}
LINK = re.compile(r"https?://[^\s]+(/p/[A-Za-z0-9_\-]+/)")
CODE = re.compile(r"\b(\d{6})\b")


def _phone(browser: Browser, live_server, locale: str = "en-GB") -> Page:
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(30_000)  # a busy shared machine: the first page of a live server is slow
    return page


def _sign_in(page: Page, user) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/")


def _mail_to(address: str, *, containing: str) -> str:
    return [m.body for m in mail.outbox if address in m.to and containing in m.body][-1]


def test_plan_shared_read_answered_and_seen_by_the_sponsor(browser, live_server, axe, transactional_db, settings):
    settings.KAM_ORGANISATION_NAME = "Cycles Martin"
    manager = UserFactory(username="e2e-share-kam", role=Role.KEY_ACCOUNT_MANAGER)
    sponsor = UserFactory(username="e2e-share-sponsor", role=Role.EXECUTIVE_SPONSOR)
    account = AccountFactory(name="Acme Bikes", owner=manager, executive_sponsor=sponsor, is_key=True)
    plan = AccountPlanFactory(account=account, status=PlanStatus.APPROVED, title="Acme 2027 plan")
    plan.business = "Acme builds city bikes."
    plan.threats = "Acme may switch supplier next year."
    plan.save()
    objective = ObjectiveFactory(plan=plan, title="Grow the joint revenue")
    CheckpointFactory(objective=objective, actual=130)
    workshop = ActionFactory(plan=plan, title="Run the joint workshop", objective=objective)
    forecast = ActionFactory(plan=plan, title="Send the yearly forecast")
    ContactFactory(account=account, name="Alice Achat", email="alice@acme.test", language="fr")
    ContactFactory(account=account, name="Bob Bureau", email="bob@acme.test")

    # The manager chooses what is shared and invites two contacts.
    kam = _phone(browser, live_server)
    _sign_in(kam, manager)
    kam.goto(f"/plans/{plan.pk}/")
    kam.get_by_role("link", name="Sharing with the customer").click()
    kam.get_by_label("The customer's business").check()
    kam.locator(f'input[name="objectives"][value="{objective.pk}"]').check()
    for action in (workshop, forecast):
        kam.locator(f'input[name="actions"][value="{action.pk}"]').check()
    kam.locator(f'input[name="customer_actions"][value="{forecast.pk}"]').check()
    kam.get_by_role("button", name="Save what is shared").click()
    expect(kam.get_by_text("What the customer sees is saved.")).to_be_visible()
    for name in ("Alice Achat", "Bob Bureau"):
        kam.get_by_label("Contact to invite").select_option(label=name)
        kam.get_by_role("button", name="Invite", exact=True).click()
        expect(kam.get_by_text(f"Invitation sent to {name}.")).to_be_visible()
    assert ShareInvitation.objects.filter(sent_at__isnull=False).count() == 2

    # Alice opens her link on her phone, in French, and gives the e-mailed code.
    link = LINK.search(_mail_to("alice@acme.test", containing="/p/")).group(1)
    alice = _phone(browser, live_server, locale="fr-FR")
    alice.goto(link)
    expect(alice.get_by_role("heading", name="Confirmez votre identité")).to_be_visible()
    code = CODE.search(_mail_to("alice@acme.test", containing="code")).group(1)
    alice.get_by_label("Code").fill(code)
    alice.get_by_role("button", name="Ouvrir le plan").click()
    expect(alice.get_by_role("heading", name="Acme 2027 plan")).to_be_visible()
    expect(alice.get_by_text("Cycles Martin").first).to_be_visible()
    expect(alice.get_by_text("Acme builds city bikes.")).to_be_visible()
    assert "switch supplier" not in alice.content()
    assert serious_violations(axe, alice) == []
    assert alice.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    alice.get_by_label("Votre commentaire").fill("Nous validons ces objectifs.")
    alice.get_by_role("button", name="Envoyer le commentaire").click()
    expect(alice.get_by_text("Nous validons ces objectifs.")).to_be_visible()
    alice.get_by_role("button", name="Marquer comme faite").click()
    expect(alice.get_by_text("Marquée comme faite : merci.")).to_be_visible()
    alice.get_by_label("Action que vous proposez").fill("Visit the Lyon plant")
    alice.get_by_role("button", name="Proposer", exact=True).click()
    expect(alice.get_by_text("Visit the Lyon plant")).to_be_visible()
    forecast.refresh_from_db()
    assert forecast.status == ActionStatus.DONE

    # The manager sees who opened the plan and accepts the proposal.
    kam.goto(f"/sharing/plans/{plan.pk}/")
    expect(kam.get_by_text("Opened the plan").first).to_be_visible()
    kam.get_by_role("button", name="Accept").click()
    expect(kam.get_by_text("Proposal accepted: it is now an action of the plan.")).to_be_visible()
    assert ActionProposal.objects.get().status == "accepted"
    assert Action.objects.filter(plan=plan, title="Visit the Lyon plant").exists()

    # The sponsor sees on the dashboard that the customer read the plan.
    boss = _phone(browser, live_server)
    _sign_in(boss, sponsor)
    boss.goto("/dashboard/")
    card = boss.locator("#shared-plans")
    expect(card).to_contain_text("Acme 2027 plan")
    expect(card).to_contain_text("1 of 2 invited")
    for page in (kam, alice, boss):
        page.context.close()
