from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0013_contact_erased_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="applying_since",
            field=models.DateTimeField(blank=True, null=True, verbose_name="applying since"),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="error",
            field=models.TextField(blank=True, verbose_name="error"),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="progress_done",
            field=models.PositiveIntegerField(default=0, verbose_name="rows written"),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="progress_total",
            field=models.PositiveIntegerField(default=0, verbose_name="rows to write"),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="status",
            field=models.CharField(
                choices=[
                    ("uploaded", "Uploaded"),
                    ("queued", "Queued"),
                    ("applying", "Applying"),
                    ("failed", "Failed"),
                    ("applied", "Applied"),
                    ("expired", "Expired"),
                ],
                default="uploaded",
                max_length=20,
                verbose_name="status",
            ),
        ),
    ]
