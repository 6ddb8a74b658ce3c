"""Sending, answering and reminding: one link per contact, one answer per link, one reminder per contact."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from smtplib import SMTPException

import pandas as pd
import pytest
from celery.exceptions import Retry
from django.core import mail
from django.utils import timezone

from accounts.models import Account, BuyingRole
from accounts.tests.factories import AccountFactory, ContactFactory
from kam.models import Notification
from surveys.frames import satisfaction_index_source
from surveys.models import Campaign, CampaignStatus, ImprovementAction, Invitation, OptOut, Response
from surveys.services import (
    SurveyRefused,
    campaign_create,
    campaigns_close,
    improvement_action_create,
    invitation_for_token,
    invitations_send,
    reminders_send,
    response_record,
)
from surveys.tests.factories import answer, answers_for, links_by_email, sent_campaign, survey_defaults

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(manager, sponsor):
    account = AccountFactory(name="Acme Bikes", owner=manager, executive_sponsor=sponsor, is_key=True)
    ContactFactory(account=account, name="Dora Decider", email="dora@acme.test", buying_role=BuyingRole.DECISION_MAKER)
    ContactFactory(account=account, name="Uma User", email="uma@acme.test", buying_role=BuyingRole.USER, language="fr")
    ContactFactory(account=account, name="No Mail", email="", buying_role=BuyingRole.USER)
    ContactFactory(account=account, name="Gone", email="gone@acme.test", is_active=False)
    return account


def test_sending_mails_one_personal_link_per_reachable_contact_in_their_language(manager, account):
    campaign = sent_campaign(by=manager, accounts=[account], closes_in=10)
    assert sorted(m.to[0] for m in mail.outbox) == ["dora@acme.test", "uma@acme.test"]
    french = next(m for m in mail.outbox if m.to == ["uma@acme.test"])
    month_fr = {1: "janvier", 2: "février", 3: "mars", 4: "avril", 5: "mai", 6: "juin", 7: "juillet", 8: "août",
                9: "septembre", 10: "octobre", 11: "novembre", 12: "décembre"}[campaign.closes_on.month]  # fmt: skip
    assert month_fr in french.body
    links = links_by_email()
    for email, token in links.items():
        assert len(token) >= 43  # 32 random bytes: 256 bits
        invitation = Invitation.objects.get(contact__email=email)
        # Only the digest is stored, nowhere the token itself.
        assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in str(list(Invitation.objects.values()))
    assert Invitation.objects.filter(campaign=campaign, sent_at__isnull=False).count() == 2


def test_a_redelivered_send_task_mails_nobody_twice(manager, account):
    from surveys.tasks import campaign_send_task

    campaign = sent_campaign(by=manager, accounts=[account])
    assert campaign_send_task(campaign.pk) == 0
    assert len(mail.outbox) == 2


def test_a_link_accepts_one_response(manager, account):
    sent_campaign(by=manager, accounts=[account])
    token = links_by_email()["dora@acme.test"]
    response = answer(token, nps=9, rating=8, text="Faster quotes please")
    assert response.buying_role == BuyingRole.DECISION_MAKER
    assert response.answers.count() == 7  # NPS, five ratings, the verbatim
    assert invitation_for_token(token) is None
    with pytest.raises(SurveyRefused):
        response_record(token=token, answers={})
    assert Response.objects.count() == 1


def test_an_expired_link_is_refused(manager, account):
    campaign = sent_campaign(by=manager, accounts=[account])
    token = links_by_email()["dora@acme.test"]
    Campaign.objects.filter(pk=campaign.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    assert invitation_for_token(token) is None
    with pytest.raises(SurveyRefused):
        response_record(token=token, answers={})


@pytest.mark.parametrize("guess", ["", "x", "A" * 43, "A" * 5000])
def test_guessed_tokens_open_nothing(manager, account, guess):
    sent_campaign(by=manager, accounts=[account])
    assert invitation_for_token(guess) is None


def test_the_stored_digest_is_not_a_working_link(manager, account):
    sent_campaign(by=manager, accounts=[account])
    assert invitation_for_token(Invitation.objects.first().token_hash) is None


def test_a_token_answers_only_its_own_campaign(manager, account):
    first = sent_campaign(by=manager, accounts=[account], name="First")
    first_token = links_by_email()["dora@acme.test"]
    mail.outbox.clear()
    second = sent_campaign(by=manager, accounts=[account], name="Second")
    second_token = links_by_email()["dora@acme.test"]
    assert first_token != second_token
    answer(first_token, nps=10, rating=9)
    assert Response.objects.get().campaign == first
    # The second campaign's invitation is untouched and still open; the first link is spent.
    assert invitation_for_token(second_token).campaign == second
    assert invitation_for_token(first_token) is None
    Campaign.objects.filter(pk=second.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    assert invitation_for_token(second_token) is None


def test_an_opted_out_contact_is_neither_asked_nor_reminded(manager, account):
    sent_campaign(by=manager, accounts=[account])
    token = links_by_email()["uma@acme.test"]
    OptOut.objects.create(contact=account.contacts.get(name="Uma User"))
    assert invitation_for_token(token) is None
    mail.outbox.clear()
    Invitation.objects.update(sent_at=timezone.now() - timedelta(days=8))
    assert reminders_send() == 1
    assert [m.to for m in mail.outbox] == [["dora@acme.test"]]
    mail.outbox.clear()
    sent_campaign(by=manager, accounts=[account], name="Next")
    assert [m.to for m in mail.outbox] == [["dora@acme.test"]]


def test_reminders_go_once_after_the_delay_and_never_after_an_answer(manager, account):
    sent_campaign(by=manager, accounts=[account], reminder_after_days=7)
    first_links = links_by_email()
    mail.outbox.clear()
    assert reminders_send() == 0  # too early
    Invitation.objects.update(sent_at=timezone.now() - timedelta(days=7, minutes=1))
    answer(first_links["uma@acme.test"], nps=8, rating=7)
    assert reminders_send() == 1
    assert reminders_send() == 0  # never twice
    assert [m.to for m in mail.outbox] == [["dora@acme.test"]]
    assert "Reminder" in mail.outbox[0].subject
    reminder_token = links_by_email()["dora@acme.test"]
    assert reminder_token != first_links["dora@acme.test"]
    # Both links work until one of them is used.
    assert invitation_for_token(first_links["dora@acme.test"]) is not None
    answer(reminder_token, nps=10, rating=9)
    assert invitation_for_token(first_links["dora@acme.test"]) is None


def test_a_claimed_reminder_is_not_sent_by_a_second_runner(manager, account, monkeypatch):
    """Two runners read the same due rows; the UPDATE claim lets only one of them send each reminder."""
    sent_campaign(by=manager, accounts=[account], reminder_after_days=1)
    Invitation.objects.update(sent_at=timezone.now() - timedelta(days=2))
    mail.outbox.clear()
    stale = list(Invitation.objects.select_related("contact", "campaign"))  # what the second runner read
    assert reminders_send() == 2
    from surveys import services

    class StaleQuerySet(list):
        def select_related(self, *args):
            return self

    monkeypatch.setattr(services.Invitation.objects, "filter", lambda *a, **k: _Claim(stale, k))
    assert reminders_send() == 0
    assert len(mail.outbox) == 2


class _Claim(list):
    """Stands in for the ORM in the race test: the due list is stale, the claim UPDATE is real."""

    def __init__(self, stale, filters):
        super().__init__(stale)
        self.filters = filters

    def select_related(self, *args):
        return self

    def update(self, **values):
        return Invitation._base_manager.filter(**self.filters).update(**values)


@pytest.mark.usefixtures("one_answer_is_enough")
def test_a_detractor_decision_maker_alerts_the_owner_and_the_sponsor_once(manager, sponsor, account):
    sent_campaign(by=manager, accounts=[account])
    answer(links_by_email()["dora@acme.test"], nps=3, rating=5)
    alerts = Notification.objects.filter(kind="survey_alert")
    assert set(alerts.values_list("user__username", flat=True)) == {manager.username, sponsor.username}
    assert "decision maker is a detractor" in alerts.first().message
    answer(links_by_email()["uma@acme.test"], nps=2, rating=5)  # a user's detractor vote raises nothing new
    assert alerts.count() == 2


@pytest.mark.usefixtures("one_answer_is_enough")
def test_a_drop_since_the_previous_campaign_alerts(manager, account):
    first = sent_campaign(by=manager, accounts=[account], name="Spring")
    answer(links_by_email()["uma@acme.test"], nps=9, rating=9)
    Campaign.objects.filter(pk=first.pk).update(status=CampaignStatus.CLOSED, closes_on=timezone.localdate())
    mail.outbox.clear()
    sent_campaign(by=manager, accounts=[account], name="Autumn", closes_in=40)
    answer(links_by_email()["uma@acme.test"], nps=9, rating=5)
    drop = Notification.objects.get(user=manager, dedupe_key__startswith="survey-drop")
    assert "dropped by 44.5 points" in drop.message  # 88.9 → 44.4


def test_closing_a_campaign_without_a_decision_makers_answer_alerts(manager, account):
    campaign = sent_campaign(by=manager, accounts=[account])
    answer(links_by_email()["uma@acme.test"], nps=9, rating=9)
    assert campaigns_close() == 0
    assert campaigns_close(today=campaign.closes_on + timedelta(days=1)) == 1
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert Notification.objects.filter(user=manager, dedupe_key=f"survey-no_dm-{campaign.pk}-{account.pk}").exists()


@pytest.mark.usefixtures("one_answer_is_enough")
def test_the_satisfaction_index_is_a_scoring_source(manager, account):
    from scoring.sources import SOURCES

    assert "satisfaction_index" in SOURCES
    sent_campaign(by=manager, accounts=[account])
    answer(links_by_email()["dora@acme.test"], nps=9, rating=10)
    answer(links_by_email()["uma@acme.test"], nps=9, rating=1)
    other = AccountFactory()
    values = satisfaction_index_source(pd.DataFrame(index=[account.pk, other.pk]))
    assert values[account.pk] == 75.0  # decision maker (weight 3) at 100, user (weight 1) at 0
    assert pd.isna(values[other.pk])


def test_an_improvement_action_stays_on_its_own_account(manager, account):
    sent_campaign(by=manager, accounts=[account])
    response = answer(links_by_email()["dora@acme.test"], nps=9, rating=8, text="Slow invoices")
    verbatim = response.answers.exclude(text="").get()
    other = AccountFactory(owner=manager)
    with pytest.raises(SurveyRefused):
        improvement_action_create(by=manager, account=other, answer=verbatim, title="x", owner=manager,
                                  department="Finance", due_on=timezone.localdate())  # fmt: skip
    action = improvement_action_create(by=manager, account=account, answer=verbatim, title="Invoice weekly",
                                       owner=manager, department="Finance", due_on=timezone.localdate())  # fmt: skip
    assert ImprovementAction.objects.get() == action and action.response == response


def test_answers_for_covers_each_question_kind(manager, account):
    campaign = sent_campaign(by=manager, accounts=[account])
    assert len(answers_for(campaign.template, nps=1, rating=2, text="t")) == 7


@pytest.fixture
def failing_mail(monkeypatch):
    """The mail server refuses every message after the first `allowed` ones; set `allowed` to let some through."""
    from django.core.mail.backends.locmem import EmailBackend

    state = {"allowed": 0}
    deliver = EmailBackend.send_messages

    def send_messages(self, messages):
        if state["allowed"] <= 0:
            raise SMTPException("mail server down")
        state["allowed"] -= len(messages)
        return deliver(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return state


@pytest.mark.usefixtures("one_answer_is_enough")
@pytest.mark.django_db(transaction=True)  # real commits: the alert task runs after the answer's
def test_a_failing_mail_server_still_records_the_answer_and_its_alert(manager, sponsor, account, monkeypatch):
    sent_campaign(by=manager, accounts=[account])
    token = links_by_email()["dora@acme.test"]
    monkeypatch.setattr("kam.notifications.send_mail", _refuse)
    answer(token, nps=3, rating=5)
    assert Response.objects.filter(contact__email="dora@acme.test").exists()
    alerts = Notification.objects.filter(kind="survey_alert")
    assert alerts.count() == 2 and not alerts.filter(emailed_at__isnull=False).exists()


def _refuse(**kwargs):
    raise SMTPException("mail server down")


def test_invitations_whose_mail_failed_are_sent_by_the_retry_with_working_links(manager, account, failing_mail):
    from surveys.tasks import campaign_send_task

    failing_mail["allowed"] = 1
    template = survey_defaults()
    campaign = campaign_create(by=manager, template=template, name="Autumn", accounts=Account.objects.all(),
                               closes_on=timezone.localdate() + timedelta(days=30))  # fmt: skip
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.SENT)
    campaign.refresh_from_db()
    with pytest.raises(SMTPException):
        invitations_send(campaign=campaign)
    assert len(mail.outbox) == 1
    assert Invitation.objects.filter(sent_at__isnull=False).count() == 1
    failing_mail["allowed"] = 10
    assert campaign_send_task(campaign.pk) == 1
    assert campaign_send_task(campaign.pk) == 0  # nobody twice
    links = links_by_email()
    assert sorted(links) == ["dora@acme.test", "uma@acme.test"]
    assert all(invitation_for_token(token) is not None for token in links.values())
    assert Invitation.objects.filter(sent_at__isnull=True).count() == 0


def test_the_send_task_retries_when_the_mail_server_fails(manager, account, failing_mail):
    from surveys.tasks import campaign_send_task

    template = survey_defaults()
    campaign = campaign_create(by=manager, template=template, name="Autumn", accounts=Account.objects.all(),
                               closes_on=timezone.localdate() + timedelta(days=30))  # fmt: skip
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.SENT)
    with pytest.raises(Retry):
        campaign_send_task.apply(args=[campaign.pk])
    assert Invitation.objects.filter(sent_at__isnull=True).count() == 2


def test_a_reminder_whose_mail_fails_is_sent_by_the_next_run(manager, account, failing_mail):
    failing_mail["allowed"] = 10
    sent_campaign(by=manager, accounts=[account], reminder_after_days=1)
    Invitation.objects.update(sent_at=timezone.now() - timedelta(days=2))
    mail.outbox.clear()
    failing_mail["allowed"] = 0
    with pytest.raises(SMTPException):
        reminders_send()
    assert not Invitation.objects.filter(reminded_at__isnull=False).exists()
    failing_mail["allowed"] = 10
    assert reminders_send() == 2
    assert reminders_send() == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["dora@acme.test", "uma@acme.test"]
    assert all(invitation_for_token(token) is not None for token in links_by_email().values())
