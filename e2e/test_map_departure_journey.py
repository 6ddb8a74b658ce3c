"""A manager with people under them leaves: their card and their branch stay where they were on the map."""

from __future__ import annotations

from playwright.sync_api import expect

from accounts.tests.factories import AccountFactory, ContactFactory
from kam.roles import Role
from kam.tests.factories import UserFactory


def test_someone_with_reports_leaves_and_their_branch_keeps_its_place(page, sign_in, transactional_db):
    manager = UserFactory(username="e2e-kam", role=Role.KEY_ACCOUNT_MANAGER)
    account = AccountFactory(name="Globex", owner=manager, is_key=True)
    ceo = ContactFactory(account=account, name="Carla Ceo", influence=5)
    cfo = ContactFactory(account=account, name="Fred Finance", reports_to=ceo, influence=4)
    buyer = ContactFactory(account=account, name="Bea Buyer", reports_to=cfo, influence=3)
    ContactFactory(account=account, name="Emil Engineer", reports_to=ceo, influence=2)
    ContactFactory(account=account, name="Pia Plant", influence=3)
    sign_in(manager)

    page.goto(f"/accounts/{account.pk}/map/")
    names = page.locator("article.map-card strong[id$='-name']")
    order = ["Carla Ceo", "Fred Finance", "Bea Buyer", "Emil Engineer", "Pia Plant"]
    expect(names).to_have_text(order)
    card, boss = page.locator(f"#contact-{cfo.pk}"), page.locator(f"#contact-{ceo.pk}")

    def below_the_boss() -> float:
        return card.bounding_box()["y"] - boss.bounding_box()["y"]  # a notice above the map moves both

    place = below_the_boss()

    page.get_by_role("button", name="Mark as left Fred Finance").click()
    expect(card).to_contain_text("Left the company")
    expect(names).to_have_text(order)  # same order: the branch did not move to the end
    # Bea still hangs under Fred, and Fred's card sits where it sat.
    expect(page.locator(f"li:has(> #contact-{cfo.pk}) > ul #contact-{buyer.pk}")).to_contain_text("Bea Buyer")
    assert abs(below_the_boss() - place) < 1
