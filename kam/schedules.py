"""The default periodic jobs: each app registers its own from its AppConfig.ready(), and the
list is put in the database after each migrate.

Administrators edit or disable them afterwards in /admin/ under Periodic tasks: a job whose
task already has a schedule is left alone, so their changes survive. Running after every
migrate (and every flush, as tests do) means a fresh database always has the schedules.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class DefaultSchedule:
    name: str
    task: str
    minute: str
    hour: str
    day_of_week: str = "*"
    day_of_month: str = "*"


DEFAULT_SCHEDULES: list[DefaultSchedule] = []


def register_schedule(
    name: str, task: str, *, minute: str, hour: str, day_of_week: str = "*", day_of_month: str = "*"
) -> None:
    """Add a default job (task is the Celery task's dotted name); registering the same task twice keeps the first."""
    if any(schedule.task == task for schedule in DEFAULT_SCHEDULES):
        return
    DEFAULT_SCHEDULES.append(DefaultSchedule(name, task, minute, hour, day_of_week, day_of_month))


def schedules_ensure() -> int:
    """Create the default schedules whose task has none yet; returns how many were created."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    existing = set(
        PeriodicTask.objects.filter(task__in=[s.task for s in DEFAULT_SCHEDULES]).values_list("task", flat=True)
    )
    created = 0
    for schedule in DEFAULT_SCHEDULES:
        if schedule.task in existing:
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=schedule.minute,
            hour=schedule.hour,
            day_of_week=schedule.day_of_week,
            day_of_month=schedule.day_of_month,
            month_of_year="*",
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.update_or_create(
            name=schedule.name, defaults={"task": schedule.task, "crontab": crontab, "enabled": True}
        )
        created += 1
    return created
