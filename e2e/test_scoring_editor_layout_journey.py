"""The scoring editor fits a laptop and a phone, and shows only the settings of the key rule chosen."""

from __future__ import annotations

from playwright.sync_api import expect

from e2e.conftest import serious_violations
from kam.roles import Role
from kam.tests.factories import UserFactory
from scoring.models import SegmentationSettings
from scoring.tests.factories import three_criteria


def test_editor_fits_the_screen_and_follows_the_chosen_key_rule(page, sign_in, axe, transactional_db):
    three_criteria()
    SegmentationSettings.objects.create(pk=1, key_rule="gold")
    sign_in(UserFactory(username="e2e-admin-layout", role=Role.ADMINISTRATOR))

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/scoring/criteria/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    # Gold: the band applies; the score level and the N best do not.
    expect(page.get_by_label("A key account stays key down to this many points below the entry level")).to_be_visible()
    expect(page.get_by_label("Key accounts from a total score of")).to_be_hidden()
    expect(page.get_by_label("Number of key accounts")).to_be_hidden()
    assert serious_violations(axe, page) == []

    page.get_by_label("Key accounts are").select_option("top_n")
    expect(page.get_by_label("Number of key accounts")).to_be_visible()
    expect(page.get_by_label("A key account stays key down to rank N plus")).to_be_visible()
    expect(page.get_by_label("A key account stays key down to this many points below the entry level")).to_be_hidden()

    page.get_by_label("Number of key accounts").fill("12")
    page.get_by_role("button", name="Save the scoring model").click()
    expect(page.get_by_text("Scoring model saved.")).to_be_visible()
    settings = SegmentationSettings.objects.get(pk=1)
    assert (settings.key_rule, settings.key_top_n, settings.key_band) == ("top_n", 12, 5)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.get_by_label("Number of key accounts")).to_be_visible()
    expect(page.get_by_label("Key accounts from a total score of")).to_be_hidden()


def test_without_javascript_every_setting_stays_visible(browser, live_server, sign_in, transactional_db):
    three_criteria()
    SegmentationSettings.objects.create(pk=1, key_rule="gold")
    user = UserFactory(username="e2e-admin-nojs", role=Role.ADMINISTRATOR)
    page = sign_in(user)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.add_cookies(page.context.cookies())
    nojs = context.new_page()
    nojs.goto("/scoring/criteria/")
    for label in ("Key accounts from a total score of", "Number of key accounts", "Runs in a row needed"):
        expect(nojs.get_by_label(label)).to_be_visible()
    context.close()
