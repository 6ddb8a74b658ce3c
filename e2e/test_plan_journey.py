"""A key account manager drafts a plan, the sponsor approves it, and the PDF holds the objectives.

The customer's copy of the PDF leaves out what we think of their people; the internal copy, from the same page,
prints it: the account has a decision-maker map with attitudes, a gap in our coverage and someone who left.
"""

from __future__ import annotations

import io
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import Attitude, BuyingRole
from accounts.tests.factories import AccountFactory, ContactFactory
from e2e.conftest import serious_violations
from kam.roles import Role
from kam.tests.factories import TEST_PASSWORD, UserFactory
from plans.models import PlanStatus
from plans.tests.factories import AccountPlanFactory, ObjectiveFactory

# What only our side may read, as the internal PDF prints it (templates/accounts/_map_tree.html).
INTERNAL_WORDS = ["Attitude", "Opponent", "Sceptic", "Covered by", "nobody", "Left the company", "Gina Gone"]


def _decision_maker_map(account, *, covering) -> None:
    """A boss against us whom nobody covers, a sceptic, and someone who left (her report stays)."""
    boss = ContactFactory(
        account=account,
        name="Olga Ortiz",
        job_title="Chief executive",
        attitude=Attitude.OPPONENT,
        buying_role=BuyingRole.DECISION_MAKER,
    )
    ContactFactory(account=account, name="Sam Serra", attitude=Attitude.SCEPTIC, reports_to=boss, covered_by=covering)
    gone = ContactFactory(account=account, name="Gina Gone", is_active=False, reports_to=boss, covered_by=covering)
    ContactFactory(account=account, name="Kurt Kept", reports_to=gone, covered_by=covering)


def _pdf_pages(download) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(Path(download.path()).read_bytes())).pages]


def test_manager_drafts_sponsor_approves_and_the_pdf_downloads(page, sign_in, axe, settings, transactional_db):
    settings.KAM_ORGANISATION_NAME = "Cycles Martin"
    manager = UserFactory(username="e2e-manager", first_name="Marc", last_name="Dubois", role=Role.KEY_ACCOUNT_MANAGER)
    sponsor = UserFactory(username="e2e-sponsor", role=Role.EXECUTIVE_SPONSOR)
    account = AccountFactory(
        name="Velo Lyon", owner=manager, executive_sponsor=sponsor, is_key=True, goals="Grow abroad"
    )
    _decision_maker_map(account, covering=manager)

    sign_in(manager)
    page.goto(f"/accounts/{account.pk}/")
    page.get_by_role("link", name="Draft an account plan").click()
    page.get_by_label("Start").fill("2027-01-01")
    page.get_by_label("End").fill("2027-06-30")
    page.locator("main button[type=submit]").click()
    expect(page.get_by_text("An account plan covers 1 to 3 years")).to_be_visible()
    page.get_by_label("End").fill("2028-12-31")
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Velo Lyon account plan 2027–2028")
    expect(page.get_by_text("Grow abroad")).to_be_visible()
    assert serious_violations(axe, page) == []

    # The add-forms wait behind their buttons; the selects say what choosing nothing means.
    expect(page.locator("#objective-form")).to_be_hidden()
    expect(page.locator("#action-form")).to_be_hidden()
    page.locator("summary", has_text="Add an objective").click()
    objective_form = page.locator("#objective-form")
    objective_form.get_by_label("Objective", exact=True).fill("Double revenue in Spain")
    objective_form.get_by_label("Metric", exact=True).select_option("revenue")
    objective_form.get_by_label("Baseline", exact=True).fill("100000")
    objective_form.get_by_label("Target", exact=True).fill("200000")
    objective_form.get_by_label("Due date", exact=True).fill("2028-12-31")
    objective_form.get_by_role("button", name="Add objective").click()
    objective = page.locator("article", has_text="Double revenue in Spain")
    expect(objective).to_be_visible()

    objective.get_by_text("Add a checkpoint").click()
    objective.get_by_label("Period", exact=True).fill("Q1 2027")
    objective.get_by_label("Date", exact=True).fill("2027-03-31")
    objective.get_by_label("Target", exact=True).fill("125000")
    objective.get_by_role("button", name="Add checkpoint").click()
    expect(
        page.locator("article", has_text="Double revenue in Spain").get_by_role("row", name="Q1 2027")
    ).to_be_visible()

    page.locator("summary", has_text="Add an action").click()
    action_form = page.locator("#action-form")
    expect(action_form.get_by_label("Owner", exact=True).locator("option").first).to_have_text("Choose an owner")
    action_form.get_by_label("Action", exact=True).fill("Meet the Madrid buyers")
    action_form.get_by_label("Owner", exact=True).select_option(label="Marc Dubois")
    action_form.get_by_label("Objective", exact=True).select_option(label="Double revenue in Spain")
    action_form.get_by_label("Due date", exact=True).fill("2027-02-15")
    action_form.get_by_role("button", name="Add action").click()
    expect(page.locator("#actions")).to_contain_text("Meet the Madrid buyers")
    assert serious_violations(axe, page) == []

    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator("#plan-status")).to_have_text("Submitted for approval")

    page.context.clear_cookies()
    sign_in(sponsor)
    expect(page.locator("header").get_by_role("link", name="Notifications")).to_contain_text("1")
    page.get_by_role("link", name="Plans").click()
    page.get_by_role("link", name="Velo Lyon account plan 2027–2028").click()
    assert serious_violations(axe, page) == []
    page.get_by_label("Comment (required to send back)").fill("Good plan.")
    page.get_by_role("button", name="Approve the plan").click()
    expect(page.locator("#plan-status")).to_have_text("Approved")
    expect(page.get_by_role("link", name="Version 1")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF for the customer").click()
    customer_pages = _pdf_pages(download_info.value)
    text = "\n".join(customer_pages)
    assert "Double revenue in Spain" in text and "Meet the Madrid buyers" in text
    assert "Cycles Martin" in customer_pages[0]  # who hands the plan over, on its title page
    # The customer's people by name and job, including whoever reported to someone who left; nothing more.
    assert "Olga Ortiz" in text and "Sam Serra" in text and "Kurt Kept" in text
    assert [word for word in INTERNAL_WORDS if word in text] == []
    assert "Internal" not in text

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Internal PDF").click()
    internal_pages = _pdf_pages(download_info.value)
    assert all("INTERNAL" in p.upper() for p in internal_pages)
    internal = "\n".join(internal_pages)
    assert [word for word in INTERNAL_WORDS if word not in internal] == []
    assert "Cycles Martin" in internal_pages[0]


def test_an_add_form_opens_on_its_own_page_without_javascript(
    browser, live_server, page, sign_in, axe, transactional_db
):
    manager = UserFactory(username="e2e-nojs", first_name="Nora", last_name="Petit", role=Role.KEY_ACCOUNT_MANAGER)
    plan = AccountPlanFactory(account=AccountFactory(name="Velo Nantes", owner=manager), status=PlanStatus.ACTIVE)
    ObjectiveFactory(plan=plan, title="Win the west")

    # With JavaScript the form's own page is accessible too.
    sign_in(manager)
    page.goto(f"/plans/{plan.pk}/add/action/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an action")
    assert serious_violations(axe, page) == []

    context = browser.new_context(base_url=live_server.url, locale="en-GB", java_script_enabled=False)
    nojs = context.new_page()
    nojs.set_default_timeout(10_000)
    nojs.goto("/login/")
    nojs.get_by_label("Username").fill(manager.username)
    nojs.get_by_label("Password").fill(TEST_PASSWORD)
    nojs.get_by_role("button", name="Sign in").click()
    nojs.goto(f"/plans/{plan.pk}/")
    actions = nojs.locator("#actions")
    actions.locator("summary", has_text="Add an action").click()
    actions.get_by_role("link", name="Open the form on its own page").click()
    form = nojs.locator("#action-form")
    form.get_by_label("Action", exact=True).fill("Visit the Nantes shops")
    form.get_by_label("Owner", exact=True).select_option(label="Nora Petit")
    form.get_by_label("Objective", exact=True).select_option(label="Win the west")
    form.get_by_label("Due date", exact=True).fill("2027-04-15")
    form.get_by_role("button", name="Add action").click()
    expect(nojs.locator("#actions")).to_contain_text("Visit the Nantes shops")
    assert nojs.url.endswith(f"/plans/{plan.pk}/#actions")
    context.close()
