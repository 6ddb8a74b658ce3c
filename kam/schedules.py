"""The default periodic jobs: one list for every app, put in the database after each migrate.

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


DEFAULT_SCHEDULES = [
    DefaultSchedule("Monthly re-segmentation", "scoring.tasks.scheduled_segmentation_task", "0", "3", day_of_month="1"),
    DefaultSchedule("Daily digest of what is due", "kam.tasks.daily_digests_task", "0", "7"),
    DefaultSchedule("Weekly executive sponsor digest", "kam.tasks.sponsor_digests_task", "30", "7", day_of_week="1"),
    DefaultSchedule("Daily escalation of overdue reviews", "plans.tasks.review_escalation_task", "15", "7"),
    DefaultSchedule("Daily activation of approved plans", "plans.tasks.plan_activation_task", "5", "0"),
    DefaultSchedule("Daily survey reminders and closing", "surveys.tasks.surveys_daily_task", "0", "8"),
    DefaultSchedule("Publish queued background work (outbox)", "kam.tasks.outbox_publish_task", "*", "*"),
    DefaultSchedule("Segmentation watchdog", "scoring.tasks.segmentation_watchdog_task", "*/2", "*"),
]


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
