"""A journey against `make prod` itself (deploy/prod.sh: gunicorn, heavy and light workers, beat; DEBUG off;
PostgreSQL and Redis): a key account manager signs in, finds an account in the register and opens it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from playwright.sync_api import Browser, expect

from accounts.tests.factories import AccountFactory
from conftest import production_wait_ready
from kam.roles import Role
from kam.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.worker


def test_a_manager_signs_in_and_opens_an_account_on_make_prod(production, browser: Browser):
    base, _log = production
    manager = UserFactory(username="prod-manager", role=Role.KEY_ACCOUNT_MANAGER)
    # Production checks passwords with its own hasher (the test settings' fast one is not among them).
    hasher = PBKDF2PasswordHasher()
    manager.password = hasher.encode(TEST_PASSWORD, hasher.salt())
    manager.save(update_fields=["password"])
    account = AccountFactory(name="Prodco Industries", owner=manager)
    production_wait_ready(base)
    context = browser.new_context(base_url=base, locale="en-GB")
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)  # a busy machine, and gunicorn's first requests
        page.goto("/login/")
        page.get_by_label("Username").fill(manager.username)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"127\.0\.0\.1:\d+/$"))
        page.goto("/accounts/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Account register")
        page.get_by_role("link", name="Prodco Industries").first.click()
        page.wait_for_url(f"**/accounts/{account.pk}/")
        expect(page.get_by_role("heading", name="Prodco Industries").first).to_be_visible()
        # Static files come from WhiteNoise's manifest (DEBUG off): the page's stylesheet has a hashed name.
        assert re.search(r"/static/[^\"']+\.[0-9a-f]{12}\.css", page.content())
    finally:
        context.close()
