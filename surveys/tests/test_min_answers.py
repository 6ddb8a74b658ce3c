"""Survey figures and alerts only from the administrators' minimum of answers per account (default 3)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import BuyingRole
from accounts.tests.factories import AccountFactory, ContactFactory
from accounts.tests.pages import account_page
from kam.models import Notification
from surveys.frames import survey_results
from surveys.models import Campaign, CampaignStatus, SurveySettings
from surveys.tests.factories import answer, links_by_email, sent_campaign

pytestmark = pytest.mark.django_db

PEOPLE = ["dora@acme.test", "uma@acme.test", "ivan@acme.test"]


@pytest.fixture
def account(manager, sponsor):
    account = AccountFactory(
        name="Acme Bikes", owner=manager, executive_sponsor=sponsor, is_key=True, segment="loyal_core"
    )
    ContactFactory(account=account, email=PEOPLE[0], buying_role=BuyingRole.DECISION_MAKER)
    ContactFactory(account=account, email=PEOPLE[1], buying_role=BuyingRole.USER)
    ContactFactory(account=account, email=PEOPLE[2], buying_role=BuyingRole.PRESCRIBER)
    return account


def _answer_all(count: int, *, nps: int, rating: int | dict) -> None:
    links = links_by_email()
    for email in PEOPLE[:count]:
        answer(links[email], nps=nps, rating=rating)


def test_the_default_minimum_is_three_and_administrators_change_it_in_the_admin(client, admin_user):
    assert SurveySettings.min_answers_now() == 3
    client.force_login(admin_user)
    row = SurveySettings.load()
    page = client.get(f"/admin/surveys/surveysettings/{row.pk}/change/")
    assert page.status_code == 200 and "answers needed per account" in page.content.decode().lower()
    client.post(f"/admin/surveys/surveysettings/{row.pk}/change/", {"min_answers": 5})
    assert SurveySettings.min_answers_now() == 5


def test_one_answer_shows_not_enough_answers_yet_and_raises_no_alert(client, manager, account):
    campaign = sent_campaign(by=manager, accounts=[account])
    _answer_all(1, nps=2, rating={"product": 9, "relationship": 2, "service": 5, "delivery": 5, "value": 5})
    row = survey_results(account_ids=[account.pk]).for_campaign(campaign.pk).loc[account.pk]
    assert row.split == "too_few" and row.overall != row.overall and row.nps != row.nps  # NaN: not shown
    assert survey_results(account_ids=[account.pk]).alerts.empty
    assert not Notification.objects.filter(kind="survey_alert").exists()
    client.force_login(manager)
    pages = [f"/surveys/{campaign.pk}/", f"/surveys/{campaign.pk}/accounts/{account.pk}/", f"/accounts/{account.pk}/"]
    for url in pages:
        # The account page's satisfaction card arrives after the first paint (htmx): read it with its cards.
        body = account_page(client, account) if url.startswith("/accounts/") else client.get(url).content.decode()
        assert "Not enough answers yet (1 of the 3 needed)" in body, url
        assert "Satisfied with the product, not with the relationship" not in body, url
        assert "decision maker is a detractor" not in body, url
    assert "Not enough answers yet" in client.get("/surveys/portfolio/").content.decode()
    dashboard = client.get("/dashboard/").content.decode()
    assert "Not enough answers yet" in dashboard


def test_three_answers_show_the_figures_the_verdict_and_the_alert(client, manager, account):
    campaign = sent_campaign(by=manager, accounts=[account])
    _answer_all(3, nps=2, rating={"product": 9, "relationship": 2, "service": 5, "delivery": 5, "value": 5})
    row = survey_results(account_ids=[account.pk]).for_campaign(campaign.pk).loc[account.pk]
    assert row.split == "product_only" and row.overall > 0 and row.nps == -100
    assert Notification.objects.filter(kind="survey_alert", dedupe_key__startswith="survey-dm_detractor").exists()
    client.force_login(manager)
    body = client.get(f"/surveys/{campaign.pk}/accounts/{account.pk}/").content.decode()
    assert "Satisfied with the product, not with the relationship" in body and "Not enough answers yet" not in body
    assert "Not enough answers yet" not in client.get("/dashboard/").content.decode()


def test_a_drop_alerts_only_when_both_campaigns_had_enough_answers(manager, account):
    first = sent_campaign(by=manager, accounts=[account], name="Spring")
    _answer_all(3, nps=9, rating=9)
    Campaign.objects.filter(pk=first.pk).update(status=CampaignStatus.CLOSED, closes_on=timezone.localdate())
    mail.outbox.clear()
    sent_campaign(by=manager, accounts=[account], name="Autumn", closes_in=40)
    _answer_all(1, nps=9, rating=4)
    assert not Notification.objects.filter(dedupe_key__startswith="survey-drop").exists()  # 1 of 3: no verdict
    links = links_by_email()
    for email in PEOPLE[1:]:
        answer(links[email], nps=9, rating=4)
    drop = Notification.objects.get(user=manager, dedupe_key__startswith="survey-drop")
    assert "dropped by 55.6 points" in drop.message  # 88.9 → 33.3
