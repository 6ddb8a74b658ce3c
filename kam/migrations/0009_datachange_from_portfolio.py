from django.db import migrations, models


class Migration(migrations.Migration):
    """kam takes over the table portfolio.0001 created (only the model state moves)."""

    dependencies = [("kam", "0008_merge_heartbeat_notification_keys"), ("portfolio", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DataChange",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("txid", models.BigIntegerField(unique=True)),
                    ],
                    options={"verbose_name": "data change", "db_table": "portfolio_datachange"},
                ),
            ]
        ),
    ]
