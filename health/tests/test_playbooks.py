"""Each trigger fires once per signal, says which playbook and why, and gives work only to the account's people."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import BuyingRole, Interaction, InteractionKind
from accounts.tests.factories import AccountFactory, ContactFactory, InteractionFactory
from health.frames import week_of
from health.models import (
    Playbook,
    PlaybookAction,
    PlaybookFiring,
    PlaybookStep,
    Risk,
    RiskCategory,
    Trigger,
)
from health.playbooks import playbooks_run
from health.services import health_weekly
from kam.models import Notification
from scoring.models import AccountScore, RunStatus, SegmentationRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_account(manager, other_manager, sponsor):
    return AccountFactory(
        name="Alpha", owner=manager, service_manager=other_manager, executive_sponsor=sponsor, is_key=True
    )


def _only(trigger: str) -> Playbook:
    """Keep the seeded playbook of this trigger active and switch the others off, so each test sees one."""
    Playbook.objects.exclude(trigger=trigger).update(is_active=False)
    return Playbook.objects.get(trigger=trigger)


def _run(today=None, *, current=None, previous=None):
    from accounts.coverage import silence_days  # noqa: F401 - settings read by health_inputs
    from health.frames import health_inputs

    today = today or timezone.localdate()
    return playbooks_run(
        today=today,
        raw=health_inputs(today=today),
        current=current if current is not None else pd.Series(dtype=float),
        previous=previous if previous is not None else pd.Series(dtype=float),
        week=week_of(today),
    )


def test_payment_issue_logged_tells_manager_and_service_manager_the_same_day_once(
    client, contributor, key_account, manager, other_manager, django_capture_on_commit_callbacks
):
    playbook = _only(Trigger.PAYMENT_ISSUE)
    client.force_login(contributor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/accounts/{key_account.pk}/interactions/",
            {
                "kind": InteractionKind.PAYMENT_ISSUE,
                "occurred_on": timezone.localdate(),
                "summary": "Invoice 12 unpaid",
            },
        )
    assert response.status_code == 302
    firing = PlaybookFiring.objects.get()
    assert firing.playbook == playbook and firing.account == key_account
    assert "Payment issue logged" in firing.reason and "Invoice 12 unpaid" in firing.reason
    action = PlaybookAction.objects.get()
    assert action.owner == manager and action.due_on == timezone.localdate()
    assert action.firing.playbook.name == "Payment issue on a key account"
    told = set(Notification.objects.filter(kind="playbook").values_list("user__username", flat=True))
    assert told == {manager.username, other_manager.username}
    assert not Notification.objects.filter(kind="playbook", user=contributor).exists()
    assert sorted(m.to[0] for m in mail.outbox if "Payment issue logged" in m.subject) == sorted(
        [manager.email, other_manager.email]
    )

    # The weekly scan sees the same interaction: nothing twice.
    assert _run() == []
    assert PlaybookFiring.objects.count() == 1 and PlaybookAction.objects.count() == 1


def test_a_mail_server_down_never_fails_the_page_that_logged_the_payment_issue(
    client, contributor, key_account, manager, monkeypatch, django_capture_on_commit_callbacks
):
    from smtplib import SMTPException

    def refuse(**kwargs):
        raise SMTPException("mail server down")

    _only(Trigger.PAYMENT_ISSUE)
    monkeypatch.setattr("kam.notifications.send_mail", refuse)
    client.force_login(contributor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/accounts/{key_account.pk}/interactions/",
            {"kind": InteractionKind.PAYMENT_ISSUE, "occurred_on": timezone.localdate(), "summary": "Unpaid"},
        )
    assert response.status_code == 302
    assert Notification.objects.filter(kind="playbook", user=manager, emailed_at=None).exists()
    assert PlaybookAction.objects.filter(owner=manager).exists()


def test_payment_issue_on_an_ordinary_account_fires_nothing(client, contributor, manager):
    _only(Trigger.PAYMENT_ISSUE)
    account = AccountFactory(owner=manager, is_key=False)
    client.force_login(contributor)
    client.post(
        f"/accounts/{account.pk}/interactions/",
        {"kind": InteractionKind.PAYMENT_ISSUE, "occurred_on": timezone.localdate(), "summary": "Late"},
    )
    assert not PlaybookFiring.objects.exists()


def test_an_outsider_cannot_log_an_interaction_so_nothing_fires(client, outsider, key_account):
    _only(Trigger.PAYMENT_ISSUE)
    client.force_login(outsider)
    response = client.post(
        f"/accounts/{key_account.pk}/interactions/",
        {"kind": InteractionKind.PAYMENT_ISSUE, "occurred_on": timezone.localdate(), "summary": "x"},
    )
    assert response.status_code == 404
    assert not PlaybookFiring.objects.exists()


def test_incident_gives_the_service_manager_a_follow_up(key_account, other_manager):
    _only(Trigger.INCIDENT)
    InteractionFactory(account=key_account, kind=InteractionKind.INCIDENT, summary="Line 3 stopped")
    _run()
    _run()
    action = PlaybookAction.objects.get()
    assert action.owner == other_manager and "Line 3 stopped" in action.firing.reason


def test_champion_leaving_asks_for_a_successor_within_30_days_and_opens_a_risk(client, manager, key_account):
    _only(Trigger.KEY_PERSON_LEFT)
    champion = ContactFactory(account=key_account, name="Carla Champion", buying_role=BuyingRole.CHAMPION)
    client.force_login(manager)
    url = f"/accounts/{key_account.pk}/map/contacts/{champion.pk}/presence/"
    client.post(url, {"active": "0"})
    client.post(url, {"active": "1"})
    client.post(url, {"active": "0"})  # leaving twice is one signal
    _run()  # and the weekly scan finds the departure in the contacts' history: the same signal
    firing = PlaybookFiring.objects.get()
    assert firing.reason == "Carla Champion (champion) has left the company."
    action = PlaybookAction.objects.get()
    assert action.title == "Find the successor and meet them"
    assert action.owner == manager and action.due_on == timezone.localdate() + timedelta(days=30)
    risk = Risk.objects.get()
    assert risk.category == RiskCategory.PERSON_LEFT and risk.firing == firing and risk.owner == manager


def test_an_ordinary_contact_leaving_fires_nothing(client, manager, key_account):
    _only(Trigger.KEY_PERSON_LEFT)
    user = ContactFactory(account=key_account, buying_role=BuyingRole.USER)
    client.force_login(manager)
    client.post(f"/accounts/{key_account.pk}/map/contacts/{user.pk}/presence/", {"active": "0"})
    assert not PlaybookFiring.objects.exists()


def test_detractor_decision_maker_gets_a_sponsor_call_within_14_days(manager, sponsor, key_account):
    from surveys.tests.factories import answer, links_by_email, sent_campaign

    _only(Trigger.DETRACTOR)
    ContactFactory(account=key_account, name="Dora Decider", email="dora@alpha.test", buying_role="decision_maker")
    sent_campaign(by=manager, accounts=[key_account])
    answer(links_by_email()["dora@alpha.test"], nps=3, rating=4)
    assert PlaybookAction.objects.count() == 1  # at once, from the answer
    _run()
    _run()
    action = PlaybookAction.objects.get()
    assert action.owner == sponsor and action.due_on == timezone.localdate() + timedelta(days=14)
    assert action.firing.reason == "Dora Decider, a decision maker, answered 3 out of 10 to the NPS question."


def test_a_promoter_decision_maker_fires_nothing(manager, key_account):
    from surveys.tests.factories import answer, links_by_email, sent_campaign

    _only(Trigger.DETRACTOR)
    ContactFactory(account=key_account, email="dora@alpha.test", buying_role="decision_maker")
    sent_campaign(by=manager, accounts=[key_account])
    answer(links_by_email()["dora@alpha.test"], nps=9, rating=8)
    _run()
    assert not PlaybookFiring.objects.exists()


def test_health_below_fires_on_crossing_only(key_account, manager):
    playbook = _only(Trigger.HEALTH_BELOW)
    assert playbook.threshold == 40
    today = timezone.localdate()
    _run(today, current=pd.Series({key_account.pk: 35.0}), previous=pd.Series({key_account.pk: 55.0}))
    _run(today, current=pd.Series({key_account.pk: 35.0}), previous=pd.Series({key_account.pk: 55.0}))
    next_week = today + timedelta(days=7)
    _run(next_week, current=pd.Series({key_account.pk: 30.0}), previous=pd.Series({key_account.pk: 35.0}))
    firing = PlaybookFiring.objects.get()
    assert firing.reason == "Health fell to 35.0, below 40."
    assert PlaybookAction.objects.get().owner == manager


def test_health_drop_notifies_the_manager(key_account, manager):
    _only(Trigger.HEALTH_DROP)
    _run(current=pd.Series({key_account.pk: 60.0}), previous=pd.Series({key_account.pk: 80.0}))
    _run(current=pd.Series({key_account.pk: 60.0}), previous=pd.Series({key_account.pk: 80.0}))
    assert PlaybookFiring.objects.get().reason == "Health dropped by 20.0 points, from 80.0 to 60.0."
    assert Notification.objects.filter(user=manager, kind="playbook").count() == 1


def test_silent_decision_makers_fire_once_per_silence(key_account, manager):
    _only(Trigger.SILENCE)
    today = timezone.localdate()
    dora = ContactFactory(account=key_account, buying_role=BuyingRole.DECISION_MAKER)
    InteractionFactory(account=key_account, contact=dora, occurred_on=today - timedelta(days=120))
    _run(today)
    _run(today + timedelta(days=7))  # still the same silence
    assert PlaybookFiring.objects.get().reason == "No interaction with a decision maker or champion for 120 days."
    InteractionFactory(account=key_account, contact=dora, occurred_on=today - timedelta(days=100))
    _run(today)  # a later contact, long ago too: a new silence
    assert PlaybookFiring.objects.count() == 2


def test_status_change_in_a_run_tells_the_owner(manager):
    _only(Trigger.STATUS_CHANGE)
    account = AccountFactory(owner=manager, is_key=False)
    run = SegmentationRun.objects.create(status=RunStatus.DONE, finished_at=timezone.now())
    AccountScore.objects.create(run=run, account=account, is_key=False, was_key=True, segment="large_flat",
                                previous_segment="large_flat")  # fmt: skip
    _run()
    _run()
    firing = PlaybookFiring.objects.get()
    assert firing.reason == f"Left key status in run {run.pk}."
    assert Notification.objects.filter(user=manager, kind="playbook").count() == 1


def test_a_step_without_its_person_is_skipped_and_logged(manager):
    playbook = _only(Trigger.PAYMENT_ISSUE)
    account = AccountFactory(owner=manager, is_key=True)  # no service manager
    InteractionFactory(account=account, kind=InteractionKind.PAYMENT_ISSUE, summary="Late")
    _run()
    firing = PlaybookFiring.objects.get(playbook=playbook)
    assert "skipped, the account has no Service manager" in firing.outcome


def test_an_inactive_playbook_does_nothing(key_account):
    Playbook.objects.update(is_active=False)
    InteractionFactory(account=key_account, kind=InteractionKind.PAYMENT_ISSUE, summary="Late")
    _run()
    assert not PlaybookFiring.objects.exists()


def test_administrators_define_a_playbook_without_code(key_account, sponsor):
    Playbook.objects.update(is_active=False)
    playbook = Playbook.objects.create(name="Incident escalates", trigger=Trigger.INCIDENT)
    PlaybookStep.objects.create(playbook=playbook, kind="risk", assignee="sponsor", title="Delivery at risk",
                                risk_category="delivery", due_in_days=10)  # fmt: skip
    InteractionFactory(account=key_account, kind=InteractionKind.INCIDENT, summary="Truck lost")
    _run()
    risk = Risk.objects.get()
    assert risk.owner == sponsor and risk.category == "delivery" and "Truck lost" in risk.description


def test_weekly_job_snapshots_every_account_and_fires(key_account):
    _only(Trigger.PAYMENT_ISSUE)
    AccountFactory()
    Interaction.objects.create(account=key_account, kind=InteractionKind.PAYMENT_ISSUE, summary="Unpaid")
    result = health_weekly()
    again = health_weekly()
    assert result == {"accounts": 2, "fired": 1}
    assert again == {"accounts": 2, "fired": 0}
    from health.models import HealthSnapshot

    assert HealthSnapshot.objects.count() == 2
