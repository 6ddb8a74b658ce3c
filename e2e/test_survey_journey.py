"""A manager surveys two accounts; two contacts answer from their links; results, alerts and an action follow."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import BuyingRole
from accounts.tests.factories import AccountFactory, ContactFactory
from e2e.conftest import serious_violations
from kam.models import Notification
from kam.roles import Role
from kam.tests.factories import UserFactory
from surveys.defaults import default_template_ensure, role_weights_ensure
from surveys.models import ImprovementAction, Response, SurveySettings
from surveys.tests.factories import links_by_email


def _answer(page, *, nps: str, rating: str, verbatim: str = "") -> None:
    groups = page.locator("main fieldset")
    for index in range(groups.count()):
        group = groups.nth(index)
        options = group.locator("label")
        if options.count() == 11:
            group.get_by_text(nps, exact=True).click()
        elif options.count() == 10:
            group.get_by_text(rating, exact=True).click()
    if verbatim:
        page.locator("main textarea").fill(verbatim)
    page.locator("main form button[type=submit]").first.click()


def test_campaign_links_answers_results_alerts_and_an_action(page, sign_in, axe, transactional_db):
    default_template_ensure()
    role_weights_ensure()
    # One answer per account in this journey: the administrators' minimum is set to 1 (test_min_answers covers 3).
    SurveySettings.objects.update_or_create(pk=1, defaults={"min_answers": 1})
    manager = UserFactory(username="e2e-kam", first_name="Marc", last_name="Dubois", role=Role.KEY_ACCOUNT_MANAGER)
    sponsor = UserFactory(username="e2e-sponsor", role=Role.EXECUTIVE_SPONSOR)
    acme = AccountFactory(name="Acme Bikes", owner=manager, executive_sponsor=sponsor, is_key=True)
    velo = AccountFactory(name="Velo Lyon", owner=manager, executive_sponsor=sponsor, is_key=True)
    ContactFactory(account=acme, name="Dora Decider", email="dora@acme.test", buying_role=BuyingRole.DECISION_MAKER)
    ContactFactory(account=velo, name="Ugo Usager", email="ugo@velo.test", buying_role=BuyingRole.USER, language="fr")

    sign_in(manager)
    page.get_by_role("link", name="Surveys", exact=True).click()
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Name").fill("Autumn check")
    page.get_by_label("Closes on").fill(str(timezone.localdate() + timedelta(days=21)))
    # The account picker: type to narrow the list, tick; a ticked account stays ticked when the filter changes.
    picker_filter = page.get_by_label("Filter the accounts")
    picker_filter.fill("acme")
    expect(page.get_by_label("Velo Lyon")).to_be_hidden()
    page.get_by_label("Acme Bikes").check()
    picker_filter.fill("lyon")
    page.get_by_label("Velo Lyon").check()
    picker_filter.fill("")
    expect(page.get_by_label("Acme Bikes")).to_be_checked()
    expect(page.locator("#id_accounts-status")).to_have_text("2 ticked · 2 of 2 shown")
    page.locator("main button[type=submit]").click()
    preview = page.locator("#preview")
    expect(preview.get_by_role("row", name="Acme Bikes")).to_contain_text("Decision maker asked")
    expect(preview.get_by_role("row", name="Velo Lyon")).to_contain_text("No decision maker among them")
    assert serious_violations(axe, page) == []
    page.get_by_role("button", name="Send the survey").click()
    expect(page.locator("#campaign-status")).to_have_text("Open for answers")

    links = links_by_email(mail.outbox)
    assert set(links) == {"dora@acme.test", "ugo@velo.test"}

    page.context.clear_cookies()
    page.goto(f"/s/{links['dora@acme.test']}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How satisfied are you with us?")
    assert serious_violations(axe, page) == []
    page.set_viewport_size({"width": 375, "height": 740})  # a phone
    _answer(page, nps="3", rating="4", verbatim="Great machines, but nobody calls us back")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    page.goto(f"/s/{links['dora@acme.test']}/")  # the link is spent
    expect(page.get_by_role("heading", level=1)).to_have_text("This survey link is not valid")
    assert serious_violations(axe, page) == []

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/s/{links['ugo@velo.test']}/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(
        page.get_by_text("Quel est votre niveau de satisfaction à l'égard de nos produits et solutions ?")
    ).to_be_visible()
    _answer(page, nps="9", rating="8")
    assert Response.objects.count() == 2

    sign_in(manager)
    page.get_by_role("link", name="Surveys", exact=True).click()
    page.get_by_role("link", name="Autumn check").click()
    expect(page.locator("#alerts")).to_contain_text("Acme Bikes: A decision maker is a detractor (NPS 0–6)")
    expect(page.locator("#results").get_by_role("row", name="Velo Lyon")).to_contain_text("1 / 1")
    assert serious_violations(axe, page) == []
    assert Notification.objects.filter(user=sponsor, kind="survey_alert").exists()

    page.locator("#results").get_by_role("link", name="Acme Bikes").click()
    expect(page.locator("#overall-index")).to_have_text("33")  # every rating 4: (4 − 1) / 9
    expect(page.locator(".verbatim")).to_contain_text("nobody calls us back")
    assert serious_violations(axe, page) == []
    page.get_by_role("link", name="Create an improvement action from this verbatim").click()
    page.get_by_label("Action").fill("Call every decision maker back within 24 h")
    page.get_by_label("Department").fill("Sales")
    page.get_by_label("Due date").fill(str(timezone.localdate() + timedelta(days=30)))
    page.locator("main button[type=submit]").click()
    expect(page.get_by_text("Improvement action created")).to_be_visible()
    assert ImprovementAction.objects.get().answer.text == "Great machines, but nobody calls us back"

    page.goto("/surveys/actions/")
    expect(page.locator("main")).to_contain_text("Call every decision maker back within 24 h")
    assert serious_violations(axe, page) == []
