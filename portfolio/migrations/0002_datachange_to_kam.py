from django.db import migrations


class Migration(migrations.Migration):
    """DataChange now belongs to kam (kam.stamp serves every app); its table stays where it is."""

    dependencies = [("portfolio", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="DataChange")]),
    ]
