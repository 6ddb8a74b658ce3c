"""Seed the default survey template, the buying-role weights and the daily reminders job (all editable in /admin/)."""

from decimal import Decimal

from django.db import migrations

from surveys.defaults import QUESTIONS, WEIGHTS  # constants only: safe to import from a migration

TASK = "surveys.tasks.surveys_daily_task"


def seed(apps, schema_editor):
    SurveyTemplate = apps.get_model("surveys", "SurveyTemplate")
    Question = apps.get_model("surveys", "Question")
    RoleWeight = apps.get_model("surveys", "RoleWeight")
    if not SurveyTemplate.objects.filter(is_default=True).exists():
        template = SurveyTemplate.objects.create(name="Key account satisfaction", is_default=True)
        Question.objects.bulk_create(
            Question(
                template=template, position=position, kind=kind, dimension=dimension, text_en=en, text_fr=fr,
                choices_en=choices_en, choices_fr=choices_fr,
                required=kind in ("nps", "rating"),
            )
            for position, (kind, dimension, en, fr, choices_en, choices_fr) in enumerate(QUESTIONS)
        )  # fmt: skip
    for role, weight in WEIGHTS.items():
        RoleWeight.objects.get_or_create(buying_role=role, defaults={"weight": Decimal(weight)})

    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if not PeriodicTask.objects.filter(task=TASK).exists():
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute="0", hour="8", day_of_month="*", month_of_year="*", day_of_week="*", timezone="Europe/Paris"
        )
        PeriodicTask.objects.create(name="Daily survey reminders and closing", task=TASK, crontab=schedule)


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
