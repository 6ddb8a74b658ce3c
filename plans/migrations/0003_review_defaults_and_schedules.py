"""Seed the default review cadences per segment (administrators change them under Plans › Review cadences).

The daily escalation and plan-activation schedules come from kam.schedules after every migrate.
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



def create_defaults(apps, schema_editor):
    ReviewCadence = apps.get_model("plans", "ReviewCadence")
    for segment, review_type, every in CADENCES:
        ReviewCadence.objects.get_or_create(
            segment=segment, review_type=review_type, defaults={"every_months": every, "key_only": True}
        )


def remove_defaults(apps, schema_editor):
    apps.get_model("plans", "ReviewCadence").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_reviews"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
