"""The weekly health job on a real Celery worker: every account snapshotted, playbooks fired once."""

from __future__ import annotations

import pytest

from accounts.models import InteractionKind
from accounts.tests.factories import AccountFactory, InteractionFactory
from health.models import HealthSnapshot, PlaybookAction, PlaybookFiring

pytestmark = pytest.mark.worker


def test_weekly_health_task_on_a_real_worker_snapshots_and_fires_once(celery_worker, manager):
    from health.tasks import health_weekly_task

    key = AccountFactory(owner=manager, is_key=True)
    AccountFactory.create_batch(3)
    InteractionFactory(account=key, kind=InteractionKind.PAYMENT_ISSUE, summary="Invoice unpaid")
    first = health_weekly_task.apply_async(queue=celery_worker).get(timeout=120)
    again = health_weekly_task.apply_async(queue=celery_worker).get(timeout=120)
    assert first["accounts"] == 4 and first["fired"] >= 1
    assert again == {"accounts": 4, "fired": 0}
    assert HealthSnapshot.objects.count() == 4
    assert PlaybookFiring.objects.filter(account=key, playbook__trigger="payment_issue").count() == 1
    assert PlaybookAction.objects.get(account=key).owner == manager
