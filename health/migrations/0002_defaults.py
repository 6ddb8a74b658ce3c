"""Seed the default health weights and playbooks (administrators change them in /admin/)."""

from django.db import migrations


def seed(apps, schema_editor):
    from health.defaults import DEFAULT_PLAYBOOKS, DEFAULT_WEIGHTS

    HealthWeight = apps.get_model("health", "HealthWeight")
    Playbook = apps.get_model("health", "Playbook")
    PlaybookStep = apps.get_model("health", "PlaybookStep")
    for signal, weight in DEFAULT_WEIGHTS.items():
        HealthWeight.objects.get_or_create(signal=signal, defaults={"weight": weight})
    for name, trigger, threshold, key_only, why, steps in DEFAULT_PLAYBOOKS:
        playbook, created = Playbook.objects.get_or_create(
            name=name, defaults={"trigger": trigger, "threshold": threshold, "key_accounts_only": key_only, "why": why}
        )
        if not created:
            continue
        for position, (kind, assignee, title, due, category) in enumerate(steps):
            PlaybookStep.objects.create(
                playbook=playbook,
                kind=kind,
                assignee=assignee,
                title=title,
                due_in_days=due,
                risk_category=category,
                position=position,
            )


class Migration(migrations.Migration):
    dependencies = [("health", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
