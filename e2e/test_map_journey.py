"""A key account manager maps a dozen people in the browser, watches coverage react, then prints the map."""

from __future__ import annotations

from playwright.sync_api import expect

from accounts.models import Contact
from accounts.tests.factories import AccountFactory
from e2e.conftest import serious_violations
from kam.roles import Role
from kam.tests.factories import UserFactory

PEOPLE = [
    # name, buying role, attitude, reports to
    ("Chief Buyer", "purchasing", "neutral", "Dana Director"),
    ("Ivo Influencer", "prescriber", "supporter", "Dana Director"),
    ("Cara Champion", "champion", "champion", "Ivo Influencer"),
    ("Tess Technical", "technical", "sceptic", "Ivo Influencer"),
    ("Gil Gatekeeper", "gatekeeper", "neutral", "Dana Director"),
    ("Una User", "user", "supporter", "Tess Technical"),
    ("Otto Opponent", "user", "opponent", "Tess Technical"),
    ("Paula Plant", "user", "neutral", "Chief Buyer"),
    ("Quinn Quality", "technical", "neutral", "Chief Buyer"),
    ("Rita Finance", "prescriber", "sceptic", "Dana Director"),
    ("Sam Site", "user", "supporter", "Paula Plant"),
]


def test_manager_builds_a_map_of_a_dozen_people_and_prints_it(page, sign_in, axe, transactional_db):
    manager = UserFactory(username="e2e-kam", first_name="Kim", last_name="Manager", role=Role.KEY_ACCOUNT_MANAGER)
    sponsor = UserFactory(username="e2e-sponsor", role=Role.EXECUTIVE_SPONSOR)
    account = AccountFactory(name="Globex", owner=manager, executive_sponsor=sponsor, is_key=True)
    sign_in(manager)

    page.goto(f"/accounts/{account.pk}/")
    page.get_by_role("link", name="Open the decision-maker map").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decision-maker map: Globex")
    findings = page.locator("#coverage-findings")
    expect(findings).to_contain_text("no active contact at all")
    assert serious_violations(axe, page) == []

    # The first person: a decision maker nobody covers yet.
    page.locator("#map-body").get_by_role("link", name="Add a contact").click()
    expect(page.locator("#contact-editor-heading")).to_be_focused()
    page.locator("#id_name").fill("Dana Director")
    page.locator("#id_job_title").fill("Chief operating officer")
    page.locator("#id_buying_role").select_option("decision_maker")
    page.locator("#id_influence").select_option("5")
    page.locator("#id_attitude").select_option("supporter")
    assert serious_violations(axe, page) == []  # the open editor too
    page.get_by_role("button", name="Add to the map").click()
    expect(page.get_by_role("status")).to_contain_text("Dana Director added to the map.")
    expect(findings).to_contain_text("Decision maker nobody on our side covers: Dana Director.")

    # Covering her makes that finding disappear.
    page.get_by_role("link", name="Edit Dana Director").click()
    page.locator("#id_covered_by").select_option(str(manager.pk))
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("Changes to Dana Director saved.")
    expect(findings).not_to_contain_text("nobody on our side covers")

    # Eleven more, each added under their manager straight from the manager's card.
    for name, role, attitude, boss in PEOPLE:
        page.get_by_role("link", name=f"Add someone under {boss}").click()
        expect(page.locator("#contact-editor-heading")).to_contain_text(f"reports to {boss}")
        page.locator("#id_name").fill(name)
        page.locator("#id_buying_role").select_option(role)
        page.locator("#id_attitude").select_option(attitude)
        page.get_by_role("button", name="Add to the map").click()
        expect(page.get_by_role("status")).to_contain_text(f"{name} added to the map.")
    expect(page.locator("article.map-card")).to_have_count(12)
    assert Contact.objects.get(name="Sam Site").reports_to.name == "Paula Plant"
    # Nested lists: Sam is three levels under Dana.
    expect(page.locator("#contact-" + str(Contact.objects.get(name="Dana Director").pk))).to_be_visible()
    deep = page.locator("ul.map-tree ul.map-tree ul.map-tree ul.map-tree article strong", has_text="Sam Site")
    expect(deep).to_be_visible()
    expect(findings).not_to_contain_text("Single-threaded")

    # The champion leaves: a gap to fill appears.
    page.get_by_role("button", name="Mark as left Cara Champion").click()
    expect(findings).to_contain_text("has left the company and nobody replaces them yet: Cara Champion.")
    expect(page.locator(f"#contact-{Contact.objects.get(name='Cara Champion').pk}")).to_contain_text("Left the company")
    assert serious_violations(axe, page) == []

    page.get_by_role("link", name="Influence × attitude").click()
    expect(page.locator("#influence-grid")).to_contain_text("Otto Opponent")
    assert serious_violations(axe, page) == []

    page.get_by_role("link", name="Print view").click()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    expect(page.locator("article.map-card")).to_have_count(12)
    expect(page.locator("#influence-grid")).to_be_visible()
    assert page.locator("article.map-card a, article.map-card button").count() == 0  # no editing controls
    assert serious_violations(axe, page) == []
    page.emulate_media(media="print")
    expect(page.locator("header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
