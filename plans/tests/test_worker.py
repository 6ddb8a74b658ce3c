"""A large plan's PDF renders on a real Celery worker and is kept for download."""

from __future__ import annotations

import pytest

from accounts.tests.factories import AccountFactory
from plans.models import PdfStatus, PlanPdf
from plans.tests.factories import AccountPlanFactory, big_plan

pytestmark = pytest.mark.worker


def test_plan_pdf_task_on_a_real_worker_is_idempotent(celery_worker, manager):
    from plans.tasks import plan_pdf_task

    plan = AccountPlanFactory(account=AccountFactory(owner=manager))
    big_plan(plan, objectives=3, checkpoints=2, actions=5)
    pdf = PlanPdf.objects.create(plan=plan, requested_by=manager, language="en")
    assert plan_pdf_task.apply_async((pdf.pk,), queue=celery_worker).get(timeout=120) == PdfStatus.READY
    pdf.refresh_from_db()
    assert bytes(pdf.data).startswith(b"%PDF")
    assert plan_pdf_task.apply_async((pdf.pk,), queue=celery_worker).get(timeout=60) is None
