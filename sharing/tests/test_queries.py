"""The customer's page and our sharing page cost the same number of queries whatever the plan's size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from plans.tests.factories import ActionFactory, CheckpointFactory, ObjectiveFactory
from sharing.services import customer_comment
from sharing.tests.factories import invite, last_code, shared_plan

pytestmark = pytest.mark.django_db


def _grow(shared, manager, n: int) -> None:
    for i in range(n):
        objective = ObjectiveFactory(plan=shared.plan, title=f"More {i}")
        CheckpointFactory(objective=objective, actual=110)
        action = ActionFactory(plan=shared.plan, objective=objective)
        shared.share.objectives.add(objective)
        shared.share.actions.add(action)
        shared.share.customer_actions.add(action)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_plan(client, manager):
    staff = Client()
    staff.force_login(manager)
    shared = shared_plan(manager=manager)
    invitation, token = invite(shared, shared.alice, by=manager)
    client.get(f"/p/{token}/")
    client.post(f"/p/{token}/", {"code": last_code(shared.alice.email)})
    client.get(f"/p/{token}/")  # the first opening records and notifies: measure the visits after it
    small_public = _count(client, f"/p/{token}/")
    small_manage = _count(staff, f"/sharing/plans/{shared.plan.pk}/")

    _grow(shared, manager, 15)
    for i in range(10):
        customer_comment(invitation=invitation, text=f"comment {i}")
    assert _count(client, f"/p/{token}/") == small_public
    assert _count(staff, f"/sharing/plans/{shared.plan.pk}/") == small_manage
