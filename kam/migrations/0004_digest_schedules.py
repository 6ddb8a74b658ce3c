"""The digest schedules are seeded by kam.schedules after every migrate; nothing to do here.

Kept so that migrations depending on it stay valid.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("kam", "0003_digest_sent"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = []
