"""The services emit their events where they happen: a delivery is recorded for each listening endpoint."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import AccountFactory
from plans.services import plan_approve, plan_submit
from plans.tests.factories import AccountPlanFactory, ObjectiveFactory
from scoring.models import KeyOverride
from scoring.services.overrides import override_decide
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import endpoint_secret

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(admin_user):
    from kam.events import EVENTS

    return WebhookEndpoint.objects.create(
        url="https://crm.example.com/hook", events=list(EVENTS), secret=endpoint_secret(), owner=admin_user
    )


def test_plan_submission_and_approval_are_events(endpoint, manager, sponsor):
    plan = AccountPlanFactory(account=AccountFactory(owner=manager, executive_sponsor=sponsor), created_by=manager)
    ObjectiveFactory(plan=plan)
    plan_submit(plan=plan, by=manager)
    plan_approve(plan=plan, by=sponsor)
    events = list(WebhookDelivery.objects.order_by("pk").values_list("event", "payload__plan"))
    assert events == [("plan.submitted", plan.pk), ("plan.approved", plan.pk)]


def test_a_decided_override_is_an_event(endpoint, manager, sponsor):
    account = AccountFactory(owner=manager, executive_sponsor=sponsor)
    override = KeyOverride.objects.create(
        account=account, decision="key", reason="r", expires_on=timezone.localdate() + timedelta(days=30),
        proposed_by=manager,
    )  # fmt: skip
    override_decide(override=override, approve=True, by=sponsor)
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "override.decided" and delivery.payload["status"] == "approved"


def test_an_endpoint_not_listening_or_paused_gets_nothing(endpoint, manager, sponsor):
    endpoint.paused_at = timezone.now()
    endpoint.save()
    plan = AccountPlanFactory(account=AccountFactory(owner=manager), created_by=manager)
    ObjectiveFactory(plan=plan)
    plan_submit(plan=plan, by=manager)
    assert not WebhookDelivery.objects.exists()
