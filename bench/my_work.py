"""`make bench` figures for a person's work: the worklist (`/`) and `/my-work/` with many items of theirs.

`python -m bench.my_work` runs these alone on a throw-away database (SQLite, or PostgreSQL with DATABASE_URL).
"""

from __future__ import annotations

import os
from datetime import timedelta

from django.test import Client


def bench_my_work(*, client: Client, manager) -> list[tuple[str, float, int, str]]:
    """A manager with 200 actions, 40 checkpoints and 50 improvement actions, due from a month ago to a year on."""
    from django.utils import timezone

    from accounts.models import Account
    from bench.timing import median_ms, query_count
    from plans.models import AccountPlan, Action, Checkpoint, Objective, PlanStatus
    from surveys.models import ImprovementAction

    today = timezone.localdate()
    accounts = list(Account.objects.order_by("pk")[:10])
    Account.objects.filter(pk__in=[a.pk for a in accounts]).update(owner=manager)
    actions, checkpoints, improvements = [], [], []
    for number, account in enumerate(accounts):
        plan = AccountPlan.objects.create(
            account=account,
            title=f"My work bench plan {number}",
            starts_on=today - timedelta(days=100),
            ends_on=today + timedelta(days=600),
            status=PlanStatus.ACTIVE,
        )
        objective = Objective.objects.create(
            plan=plan, title="Grow", baseline=1, target=2, due_on=today + timedelta(days=600)
        )
        checkpoints += [
            Checkpoint(objective=objective, label=f"Q{q}", due_on=today + timedelta(days=90 * q - 120), target=1)
            for q in range(4)
        ]
        actions += [
            Action(plan=plan, title=f"Step {number}-{i}", owner=manager, due_on=today + timedelta(days=2 * i - 30))
            for i in range(20)
        ]
        improvements += [
            ImprovementAction(account=account, title=f"Fix {number}-{i}", owner=manager, department="Ops", due_on=today)
            for i in range(5)
        ]
    Action.objects.bulk_create(actions)
    Checkpoint.objects.bulk_create(checkpoints)
    ImprovementAction.objects.bulk_create(improvements)
    rows = []
    for label, url in (("worklist, 290 items of the user's", "/"), ("my work, same items", "/my-work/")):
        assert client.get(url).status_code == 200, url
        rows.append(
            (label, median_ms(lambda url=url: client.get(url)), query_count(lambda url=url: client.get(url)), "")
        )
    return rows


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings_test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from bench.__main__ import seed_portfolio
    from kam.roles import Role
    from kam.tests.factories import UserFactory

    settings.DEBUG = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        manager = UserFactory(username="bench-manager", role=Role.KEY_ACCOUNT_MANAGER)
        seed_portfolio(manager)
        client = Client()
        client.force_login(manager)
        for label, ms, queries, _target in bench_my_work(client=client, manager=manager):
            print(f"{label:<50} {ms:>8.1f} ms {queries:>4} queries")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
