"""The 360° account page: the first paint says who the account is and what needs doing; the cards follow
lazily, and the in-page menu takes the reader to each of them."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Route, expect

from accounts.tests.factories import AccountFactory
from kam.roles import Role
from kam.tests.factories import UserFactory
from plans.tests.factories import AccountPlanFactory, ActionFactory


def test_first_paint_then_lazy_cards_reached_from_the_menu(page, sign_in, transactional_db):
    manager = UserFactory(username="e2e-kam", role=Role.KEY_ACCOUNT_MANAGER)
    account = AccountFactory(name="Lazy Co", owner=manager, segment="loyal_core", is_key=True)
    plan = AccountPlanFactory(account=account, status="active")
    ActionFactory(plan=plan, title="Call the buyer", owner=manager, due_on=timezone.localdate() - timedelta(days=2))
    sign_in(manager)
    page.set_viewport_size({"width": 1280, "height": 700})

    # Hold every card's request: what shows meanwhile is the first paint.
    held: list[Route] = []
    cards = re.compile(r"/accounts/\d+/cards/[\w-]+/$")
    page.route(cards, lambda route: held.append(route))
    page.goto(account.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Lazy Co")
    expect(page.get_by_text("Key account", exact=True)).to_be_visible()
    expect(page.get_by_text("Loyal core", exact=True)).to_be_visible()
    todos = page.get_by_role("region", name="What needs doing")
    expect(todos).to_contain_text("Call the buyer")
    slots = page.locator(".kam-card-slot")
    expect(slots.first).to_have_attribute("aria-busy", "true")
    expect(page.locator("#review-schedule")).to_have_count(0)  # the cards are not in the first paint

    # The menu: the overview, then one entry per card, each pointing at that card's place on the page.
    menu = page.get_by_role("navigation", name="Sections of this page").get_by_role("link")
    expect(menu).to_have_count(1 + slots.count())
    assert slots.count() >= 5
    anchors = [menu.nth(i).get_attribute("href") for i in range(menu.count())]
    assert anchors == ["#overview"] + [f"#{slots.nth(i).get_attribute('id')}" for i in range(slots.count())]
    expect(page.locator("#card-history")).not_to_be_in_viewport()

    assert held
    for route in held:
        route.continue_()
    page.unroute(cards)
    expect(page.locator(".kam-card-slot[aria-busy]")).to_have_count(0)  # every card arrived

    page.get_by_role("navigation", name="Sections of this page").get_by_role("link", name="History").click()
    expect(page).to_have_url(re.compile(r"#card-history$"))
    history = page.locator("#card-history")
    expect(history.get_by_role("heading", name="History of changes")).to_be_in_viewport()
    page.get_by_role("navigation", name="Sections of this page").get_by_role("link", name="Review routine").click()
    expect(page.locator("#review-schedule")).to_be_in_viewport()
    expect(history).not_to_be_in_viewport()
