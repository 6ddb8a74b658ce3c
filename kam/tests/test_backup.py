"""deploy/backup.sh dumps the database and media; deploy/restore.sh brings them back in a new database."""

from __future__ import annotations

import os
import subprocess
import uuid

import psycopg2
from django.conf import settings
from django.db import connection

from accounts.models import Account, Contact
from accounts.tests.factories import AccountFactory, ContactFactory
from conftest import require_service
from plans.models import AccountPlan, Objective
from plans.tests.factories import AccountPlanFactory, ObjectiveFactory
from surveys.models import Answer, Response
from surveys.tests.factories import answer, links_by_email, sent_campaign

DEPLOY = settings.BASE_DIR / "deploy"


def _url(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{name}"


def _ids(cursor, table: str) -> set:
    cursor.execute(f'SELECT id FROM "{table}"')  # noqa: S608 - table names from the models, not input
    return {row[0] for row in cursor.fetchall()}


TABLES = [
    Account._meta.db_table,
    Account.history.model._meta.db_table,
    Contact._meta.db_table,
    Contact.history.model._meta.db_table,
    AccountPlan._meta.db_table,
    AccountPlan.history.model._meta.db_table,
    Objective._meta.db_table,
    Response._meta.db_table,
    Answer._meta.db_table,
]


def test_a_backup_restored_into_a_new_database_holds_every_account_plan_answer_and_history_row(
    transactional_db, manager, tmp_path
):
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "set DATABASE_URL: backups are pg_dump archives")
    accounts = [AccountFactory(name=f"Backup {n}", owner=manager) for n in range(3)]
    for account in accounts:
        ContactFactory(account=account, email=f"dm{account.pk}@acme.test")
        ObjectiveFactory(plan=AccountPlanFactory(account=account))
        account.name += " (renamed)"
        account.save()  # a second history row
    sent_campaign(by=manager, accounts=accounts)
    for token in links_by_email().values():
        answer(token, nps=9, rating=8, text="Fine")
    media = tmp_path / "media"
    (media / "imports").mkdir(parents=True)
    (media / "imports" / "upload.csv").write_text("name\nAcme\n")
    env = {**os.environ, "DATABASE_URL": _url(connection.settings_dict["NAME"]), "MEDIA_ROOT": str(media)}

    backup = subprocess.run(
        [DEPLOY / "backup.sh", tmp_path / "backups"], env=env, capture_output=True, text=True, timeout=300
    )
    assert backup.returncode == 0, backup.stderr
    dump, tarball = backup.stdout.split()

    restored_name = f"kam_restore_{uuid.uuid4().hex[:8]}"
    restored_media = tmp_path / "restored-media"
    restore = subprocess.run(
        [DEPLOY / "restore.sh", _url(restored_name), dump, tarball],
        env={**env, "MEDIA_ROOT": str(restored_media)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        assert restore.returncode == 0, restore.stderr
        restored = psycopg2.connect(_url(restored_name))
        with restored.cursor() as cursor, connection.cursor() as live:
            for table in TABLES:
                expected = _ids(live, table)
                assert expected, f"the test made no {table} rows"
                assert _ids(cursor, table) == expected, table
        restored.close()
        assert (restored_media / "imports" / "upload.csv").read_text() == "name\nAcme\n"
    finally:
        admin = psycopg2.connect(_url("postgres"))
        admin.autocommit = True  # DROP DATABASE runs outside a transaction
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
        admin.close()
