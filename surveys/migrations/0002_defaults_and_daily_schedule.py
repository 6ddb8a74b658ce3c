"""Seed the default survey template and the buying-role weights (editable in /admin/).

The daily reminders job comes from kam.schedules after every migrate.
"""

from decimal import Decimal

from django.db import migrations

from surveys.defaults import QUESTIONS, WEIGHTS  # constants only: safe to import from a migration


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


def unseed(apps, schema_editor):
    apps.get_model("surveys", "SurveyTemplate").objects.filter(is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
