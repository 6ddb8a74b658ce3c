"""Seed the reminder schedules (editable in /admin/ under Periodic tasks): daily digests, weekly sponsor digests."""

from django.db import migrations

SCHEDULES = [
    # name, task, crontab (minute, hour, day_of_week)
    ("Daily digest of what is due", "kam.tasks.daily_digests_task", ("0", "7", "*")),
    ("Weekly executive sponsor digest", "kam.tasks.sponsor_digests_task", ("30", "7", "1")),
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour, day_of_week) in SCHEDULES:
        if PeriodicTask.objects.filter(task=task).exists():
            continue
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week=day_of_week,
            day_of_month="*",
            month_of_year="*",
            timezone="Europe/Paris",
        )
        PeriodicTask.objects.create(name=name, task=task, crontab=schedule, enabled=True)


def remove_schedules(apps, schema_editor):
    tasks = [task for _name, task, _cron in SCHEDULES]
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task__in=tasks).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("kam", "0003_digest_sent"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
