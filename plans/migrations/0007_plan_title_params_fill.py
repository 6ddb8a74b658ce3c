"""Plans titled by the app before titles were kept as parameters get them, so each reader sees the title in
their language; a title someone typed or changed stays as it is."""

import re

from django.db import migrations

GENERATED = re.compile(r"^(?P<account>.+) account plan (?P<start>\d{4})–(?P<end>\d{4})$")


def fill(apps, schema_editor):
    AccountPlan = apps.get_model("plans", "AccountPlan")
    changed = []
    for plan in AccountPlan.objects.filter(title_params=None, title__contains=" account plan ").select_related(
        "account"
    ):
        match = GENERATED.match(plan.title)
        if match and match["account"] == plan.account.name:
            plan.title_params = {"account": match["account"], "start": int(match["start"]), "end": int(match["end"])}
            changed.append(plan)
    AccountPlan.objects.bulk_update(changed, ["title_params"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("plans", "0006_plan_title_params")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
