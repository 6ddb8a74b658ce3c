"""What people are told about plans: an action given to them, and requests for approval that are dealt with."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from accounts.tests.factories import AccountFactory
from kam.models import Notification
from kam.roles import Role
from kam.tests.factories import UserFactory
from plans.services import action_assigned_notify, plan_approve, plan_create, plan_send_back, plan_submit
from plans.tests.factories import ActionFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(manager, sponsor):
    return AccountFactory(owner=manager, executive_sponsor=sponsor, is_key=True)


def _submitted(account, manager):
    plan = plan_create(account=account, by=manager, starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31))
    ObjectiveFactory(plan=plan)
    return plan_submit(plan=plan, by=manager)


def test_approval_clears_the_request_for_every_approver(manager):
    # No sponsor: the administrators who did not write the plan are all asked.
    account = AccountFactory(owner=manager, executive_sponsor=None, is_key=True)
    admins = [UserFactory(username=f"admin-{i}", role=Role.ADMINISTRATOR) for i in range(2)]
    plan = _submitted(account, manager)
    asked = Notification.objects.filter(kind="plan_submitted", user__in=admins)
    assert asked.count() == 2 and not asked.filter(read_at__isnull=False).exists()
    plan_approve(plan=plan, by=admins[0])
    assert asked.filter(read_at=None).count() == 0  # dealt with, for the one who did not decide too
    assert asked.count() == 2  # still listed, as read


def test_sending_back_clears_the_request_and_a_resubmission_asks_again(account, manager, sponsor):
    plan = _submitted(account, manager)
    plan_send_back(plan=plan, by=sponsor, comment="More ambition")
    assert not Notification.objects.filter(user=sponsor, kind="plan_submitted", read_at=None).exists()
    plan_submit(plan=plan, by=manager)
    assert Notification.objects.filter(user=sponsor, kind="plan_submitted", read_at=None).count() == 1


def test_a_decision_leaves_other_plans_requests_unread(manager, sponsor):
    first = _submitted(AccountFactory(owner=manager, executive_sponsor=sponsor, is_key=True), manager)
    _submitted(AccountFactory(owner=manager, executive_sponsor=sponsor, is_key=True), manager)
    plan_approve(plan=first, by=sponsor)
    assert Notification.objects.filter(user=sponsor, kind="plan_submitted", read_at=None).count() == 1


def test_adding_an_action_for_a_colleague_notifies_her_once(client, account, manager, contributor):
    plan = plan_create(account=account, by=manager, starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31))
    client.force_login(manager)
    data = {"title": "Audit the invoices", "owner": contributor.pk, "due_on": "2027-03-31", "status": "todo"}
    response = client.post(f"/plans/{plan.pk}/actions/", data)
    assert response.status_code == 302
    action = plan.actions.get()
    notes = Notification.objects.filter(user=contributor, kind="action_assigned")
    assert notes.count() == 1
    assert "Audit the invoices" in notes.get().text and plan.title in notes.get().text
    assert notes.get().url == f"/plans/{plan.pk}/#actions"
    assert action_assigned_notify(actions=[action], by=manager) == 0  # a retry notifies nobody twice
    assert notes.count() == 1


def test_an_action_one_gives_oneself_notifies_nobody(client, account, manager):
    plan = plan_create(account=account, by=manager, starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31))
    client.force_login(manager)
    data = {"title": "My own task", "owner": manager.pk, "due_on": "2027-03-31", "status": "todo"}
    client.post(f"/plans/{plan.pk}/actions/", data)
    assert not Notification.objects.filter(kind="action_assigned").exists()


def test_french_reader_reads_in_french_a_notification_sent_while_english_was_active(account, manager, contributor):
    plan = plan_create(account=account, by=manager, starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31))
    action = ActionFactory(plan=plan, owner=contributor, title="Audit", due_on=date(2027, 3, 31))
    with translation.override("en"):
        action_assigned_notify(actions=[action], by=manager)
    note = Notification.objects.get(user=contributor)
    assert note.message_key == "plans.action_assigned" and note.params["action"] == "Audit"
    with translation.override("fr"):
        french = note.text
    with translation.override("en"):
        english = note.text
    assert english.startswith(f"{manager} gave you an action") and "3/31/2027" in english
    assert french.startswith(f"{manager} vous a confié une action") and "31/03/2027" in french


def test_a_generated_plan_title_reads_in_each_readers_language(account, manager):
    account.name = "Alpha"
    account.save()
    with translation.override("fr"):  # a French manager creates it: stored once, read in either language
        plan = plan_create(account=account, by=manager, starts_on=date(2027, 1, 1), ends_on=date(2028, 12, 31))
    assert plan.title == "Alpha account plan 2027–2028"
    with translation.override("fr"):
        assert plan.display_title == str(plan) == "Plan de compte Alpha 2027–2028"
    with translation.override("en"):
        assert plan.display_title == "Alpha account plan 2027–2028"


def test_a_retitled_plan_keeps_the_title_as_typed(account, manager):
    plan = plan_create(account=account, by=manager, starts_on=date(2027, 1, 1), ends_on=date(2028, 12, 31))
    plan.title = "Conquer Asia"
    plan.save()
    with translation.override("fr"):
        assert plan.display_title == "Conquer Asia"


def test_an_approval_request_names_the_generated_title_in_the_readers_language(account, manager, sponsor):
    account.name = "Alpha"
    account.save()
    with translation.override("en"):
        _submitted(account, manager)
    note = Notification.objects.get(user=sponsor, kind="plan_submitted")
    with translation.override("fr"):
        assert "Plan de compte Alpha 2027" in note.text and "2027–2027" not in note.text
    with translation.override("en"):
        assert "“Alpha account plan 2027”" in note.text
