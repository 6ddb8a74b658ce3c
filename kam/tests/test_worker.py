"""A real Celery worker, started against the configured Redis broker, runs KAM's tasks."""

from __future__ import annotations

import pytest

from kam.tasks import healthcheck_task

pytestmark = pytest.mark.worker


def test_real_worker_executes_a_task_and_reaches_the_database(celery_worker):
    result = healthcheck_task.apply_async(queue=celery_worker)
    assert result.get(timeout=30) == {"worker": "ok", "database": "postgresql"}


def test_task_results_are_kept_in_the_database(celery_worker):
    from django_celery_results.models import TaskResult

    result = healthcheck_task.apply_async(queue=celery_worker)
    result.get(timeout=30)
    assert TaskResult.objects.filter(task_id=result.id, status="SUCCESS").exists()
