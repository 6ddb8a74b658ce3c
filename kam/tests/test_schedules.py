"""Default periodic jobs: present on a fresh database, and an administrator's changes are kept."""

from __future__ import annotations

import pytest
from django_celery_beat.models import PeriodicTask

from kam.schedules import DEFAULT_SCHEDULES, schedules_ensure

pytestmark = pytest.mark.django_db


def test_every_default_job_is_scheduled_after_migrate():
    assert {s.task for s in DEFAULT_SCHEDULES} <= set(PeriodicTask.objects.values_list("task", flat=True))


def test_an_administrators_changes_survive_and_a_deleted_job_comes_back():
    PeriodicTask.objects.filter(task="kam.tasks.daily_digests_task").update(enabled=False)
    PeriodicTask.objects.filter(task="surveys.tasks.surveys_daily_task").delete()
    assert schedules_ensure() == 1
    assert not PeriodicTask.objects.get(task="kam.tasks.daily_digests_task").enabled
    assert PeriodicTask.objects.get(task="surveys.tasks.surveys_daily_task").crontab.hour == "8"
