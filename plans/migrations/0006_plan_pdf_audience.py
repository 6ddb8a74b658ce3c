# PDFs rendered before this migration printed everything: they are internal versions.

from django.db import migrations, models

CHOICES = [("customer", "Customer version"), ("internal", "Internal version")]


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0005_plan_content_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="planpdf",
            name="audience",
            field=models.CharField(choices=CHOICES, default="internal", max_length=10, verbose_name="version"),
        ),
        migrations.AlterField(
            model_name="planpdf",
            name="audience",
            field=models.CharField(choices=CHOICES, default="customer", max_length=10, verbose_name="version"),
        ),
    ]
