"""A manager rates accounts from the keyboard and proposes an override; the sponsor approves it."""

from __future__ import annotations

from playwright.sync_api import expect

from accounts.models import Account
from e2e.conftest import serious_violations
from kam.roles import Role
from kam.tests.factories import UserFactory
from scoring.models import KeyOverride, Rating, SegmentationSettings
from scoring.services import segmentation_execute, segmentation_run_request
from scoring.tests.factories import rated_portfolio, three_criteria


def test_manager_rates_with_the_keyboard_and_the_sponsor_approves_an_override(page, sign_in, axe, transactional_db):
    three_criteria()  # the manual criterion is "Fit"
    SegmentationSettings.objects.create(pk=1, mode="absolute", gold=60, silver=30, key_rule="gold")
    first, second, *_rest = rated_portfolio([(100, 1000), (200, 800), (300, 600), (400, 400)], [0, 5, 10, 10])
    manager = UserFactory(username="e2e-manager", role=Role.KEY_ACCOUNT_MANAGER)
    sponsor = UserFactory(username="e2e-sponsor", role=Role.EXECUTIVE_SPONSOR)
    Account.objects.filter(pk__in=[first.pk, second.pk]).update(owner=manager, executive_sponsor=sponsor)
    segmentation_execute(run=segmentation_run_request())
    sign_in(manager)

    page.goto("/scoring/ratings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rate my accounts")
    assert serious_violations(axe, page) == []
    cell = page.get_by_label(f"Fit for {first.name}")
    cell.fill("8")
    cell.press("ArrowDown")  # moves down the column, to the next account
    page.keyboard.type("3")
    page.get_by_label(f"Justification for {first.name}").fill("Joint roadmap signed")
    page.locator("main button[type=submit]", has_text="Save ratings").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_be_visible()
    # The second row changed too but has no justification: nothing is saved, the typing is kept.
    expect(page.get_by_text("Give a justification for the ratings you changed.")).to_be_visible()
    expect(page.get_by_label(f"Fit for {second.name}")).to_have_value("3")  # the move selected the old "5"
    assert Rating.objects.get(account=first, criterion__name="Fit").value == 0
    page.get_by_label(f"Fit for {second.name}").fill("7")
    page.get_by_label(f"Justification for {second.name}").fill("New plant opened")
    page.locator("main button[type=submit]", has_text="Save ratings").click()
    expect(page.get_by_text("2 ratings saved.")).to_be_visible()

    page.goto(first.get_absolute_url())
    page.get_by_role("link", name="Propose a key-status override").click()
    page.get_by_label("Make it a key account").check()
    page.get_by_label("Reason").fill("Reference customer for the aerospace market")
    page.locator("main button[type=submit]").click()
    expect(page.get_by_text("Proposal sent for approval.")).to_be_visible()
    expect(page.locator("#key-status")).to_contain_text("Awaiting approval")

    page.context.clear_cookies()
    sign_in(sponsor)
    page.goto("/scoring/overrides/")
    assert serious_violations(axe, page) == []
    card = page.locator("article", has_text=first.name)
    expect(card).to_contain_text("Reference customer for the aerospace market")
    card.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(f"Decision recorded for {first.name}.")).to_be_visible()
    assert KeyOverride.objects.get(account=first).status == "approved"
