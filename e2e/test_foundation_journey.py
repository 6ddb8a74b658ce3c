"""Each role signs in, sees its worklist and its menu, switches to French, and the page is accessible."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from e2e.conftest import serious_violations
from kam.navigation import NAV_ITEMS
from kam.roles import Role
from kam.tests.factories import UserFactory

ADMIN_ONLY = ["Scoring model"]


@pytest.mark.parametrize("role", list(Role))
def test_role_signs_in_sees_worklist_switches_to_french_accessibly(page, sign_in, axe, role):
    user = UserFactory(username=f"e2e-{role.value}", first_name="Alex", last_name="Doe", role=role)
    sign_in(user)

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Alex Doe")
    menu = page.get_by_role("navigation", name="Main navigation")
    links = menu.locator("#main-nav .navbar-nav").first.get_by_role("link")
    # Each app adds its section to the menu (kam.navigation); what differs by role is the administration.
    expected = [str(item.label) for item in NAV_ITEMS if item.visible_to(user)]
    expect(links).to_have_text(expected)
    assert expected[0] == "Worklist" and "Accounts" in expected
    assert all(label in expected for label in ADMIN_ONLY) == (role == Role.ADMINISTRATOR)
    assert serious_violations(axe, page) == []

    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue, Alex Doe")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert serious_violations(axe, page) == []


def test_sign_in_works_with_the_keyboard_alone(page, axe, db):
    user = UserFactory(username="keyboard-user", role=Role.CONTRIBUTOR)
    page.goto("/login/")
    assert serious_violations(axe, page) == []
    # The user name field has the focus on arrival; Tab and Enter do the rest.
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery")
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    # The first Tab on a page reaches the skip link, which jumps to the content.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
