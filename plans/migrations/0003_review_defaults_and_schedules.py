"""Seed the default review cadences per segment and the daily review escalation and plan activation schedules.

Administrators change both afterwards: cadences under Plans › Review cadences, schedules
under Periodic tasks in /admin/.
"""

from django.db import migrations

# segment, review type, every N months; all for the segment's key accounts only.
CADENCES = [
    # Loyal core: protect, with the full routine of presence.
    ("loyal_core", "follow_up", 1),
    ("loyal_core", "business", 3),
    ("loyal_core", "strategic", 12),
    # High potential: win, so the same close rhythm.
    ("high_potential", "follow_up", 1),
    ("high_potential", "business", 3),
    ("high_potential", "strategic", 12),
    # Large but flat: maintain profitably, a lighter rhythm.
    ("large_flat", "business", 6),
    ("large_flat", "strategic", 12),
    # Small without potential: only the yearly look at whether they still deserve key status.
    ("small", "strategic", 12),
]

SCHEDULES = [
    # name, task, crontab (minute, hour)
    ("Daily escalation of overdue reviews", "plans.tasks.review_escalation_task", ("15", "7")),
    ("Daily activation of approved plans", "plans.tasks.plan_activation_task", ("5", "0")),
]


def create_defaults(apps, schema_editor):
    ReviewCadence = apps.get_model("plans", "ReviewCadence")
    for segment, review_type, every in CADENCES:
        ReviewCadence.objects.get_or_create(
            segment=segment, review_type=review_type, defaults={"every_months": every, "key_only": True}
        )
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour) in SCHEDULES:
        if PeriodicTask.objects.filter(task=task).exists():
            continue
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/Paris"
        )
        PeriodicTask.objects.create(name=name, task=task, crontab=schedule, enabled=True)


def remove_defaults(apps, schema_editor):
    tasks = [task for _name, task, _cron in SCHEDULES]
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task__in=tasks).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_reviews"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
