"""The dashboard is cached across web processes under a stamp of the data it reads: any write moves the stamp."""

from __future__ import annotations

import re
from decimal import Decimal

import psycopg2
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from kam.models import Notification
from kam.stamp import data_stamp, tracked_tables
from plans.models import AccountPlan
from portfolio.tests.builders import portfolio_build
from scoring.models import AccountScore
from surveys.models import SurveySettings

# The stamp is only given outside a transaction that wrote (as a web request reads), so these tests commit.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]


def _key_accounts(body: str) -> str:
    return re.search(r'data-figure="key_accounts">(\d+) ', body).group(1)


def test_every_kind_of_write_to_what_the_dashboard_reads_moves_the_stamp(manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    writes = {
        "an account saved": lambda: Account.objects.first().save(),
        "accounts updated in bulk": lambda: Account.objects.update(potential=Decimal(5)),
        "scores created in bulk": lambda: AccountScore.objects.bulk_create(
            [AccountScore(run_id=AccountScore.objects.first().run_id, account=Account.objects.create(name="New"))]
        ),
        "a plan's status changed": lambda: AccountPlan.objects.update(title="Renamed"),
        "survey settings saved": lambda: SurveySettings.objects.update_or_create(pk=1, defaults={"min_answers": 2}),
        "raw SQL": lambda: connection.cursor().execute("UPDATE accounts_yearlyfinancial SET revenue = revenue + 1"),
        "a score deleted": lambda: AccountScore.objects.filter(account=built["accounts"][0]).delete(),
    }
    for what, write in writes.items():
        before = data_stamp()
        write()
        after = data_stamp()
        assert before is not None and after is not None and after != before, what


def test_reading_and_writing_elsewhere_leave_the_stamp_alone(client, manager, sponsor):
    portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(manager)
    stamp = data_stamp()
    client.get("/dashboard/")
    Notification.objects.create(user=manager, kind="test", message="Unrelated")
    assert data_stamp() == stamp
    assert {"accounts_account", "scoring_accountscore", "plans_accountplan", "surveys_answer"} <= set(tracked_tables())


def test_no_stamp_while_an_older_writer_has_not_committed(manager, sponsor):
    """A change committed by an older transaction after the stamp was read must not hide behind it."""
    portfolio_build(manager=manager, sponsor=sponsor)
    params = connection.get_connection_params()
    other = psycopg2.connect(**{k: v for k, v in params.items() if k in {"dbname", "user", "host", "port", "password"}})
    try:
        with other.cursor() as cursor:  # the older writer: its transaction id comes first
            cursor.execute("UPDATE accounts_account SET is_key = true WHERE name = %s", ["Alpha Industries"])
        Account.objects.filter(name="Delta Small").update(city="Lyon")  # a newer writer, committed
        assert data_stamp() is None
        other.commit()
        assert data_stamp() is not None
    finally:
        other.close()


def test_a_second_load_comes_from_the_cache_and_a_change_shows_on_the_next(client, manager, sponsor):
    portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(manager)
    with CaptureQueriesContext(connection) as first:
        body = client.get("/dashboard/").content.decode()
    with CaptureQueriesContext(connection) as second:
        again = client.get("/dashboard/").content.decode()
    assert _key_accounts(body) == _key_accounts(again) == "2"
    assert len(second.captured_queries) < len(first.captured_queries) - 10
    Account.objects.filter(name="Gamma Foods").update(is_key=True)  # a bulk update: no signal, no save()
    assert _key_accounts(client.get("/dashboard/").content.decode()) == "3"


def test_cached_dashboards_are_kept_apart_by_filters_language_and_reader(client, manager, sponsor):
    portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(sponsor)
    whole = client.get("/dashboard/").content.decode()
    sponsored = client.get("/dashboard/?sponsored=true").content.decode()
    assert re.search(r'data-figure="key_accounts">2 <span[^>]*>/ 4', whole)
    assert re.search(r'data-figure="key_accounts">1 <span[^>]*>/ 2', sponsored)
    french = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Matrice valeur × potentiel" in french and "Value × potential matrix" not in french
    client.force_login(manager)
    assert "Value × potential matrix" in client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_map_quality_kept_for_the_dashboard_is_read_again_after_a_change(manager, sponsor):
    """Kept a minute by day alone, it would put a map quality older than the stamp into a page cached under it."""
    from django.utils import timezone

    from portfolio.frames import _coverage_quality

    portfolio_build(manager=manager, sponsor=sponsor)
    today = timezone.localdate()
    first = _coverage_quality(today)
    newcomer = Account.objects.create(name="Newcomer", is_key=True)
    assert newcomer.pk not in first.index
    assert newcomer.pk in _coverage_quality(today).index


def test_pruning_the_change_log_keeps_the_stamp(manager, sponsor):
    from kam.models import DataChange
    from portfolio.tasks import data_changes_prune_task

    portfolio_build(manager=manager, sponsor=sponsor)
    Account.objects.update(city="Lyon")
    stamp = data_stamp()
    assert DataChange.objects.count() > 1
    assert data_changes_prune_task() > 0
    assert DataChange.objects.count() == 1 and data_stamp() == stamp
    Account.objects.update(city="Lille")
    assert data_stamp() != stamp


def test_a_new_release_of_a_template_or_translation_gets_new_cache_keys(settings, tmp_path):
    from kam.stamp import code_version

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "board.html").write_text("<p>{{ figure }}</p>")
    (tmp_path / "notes.txt").write_text("not code")
    settings.BASE_DIR = tmp_path
    code_version.cache_clear()
    try:
        first = code_version()
        (tmp_path / "notes.txt").write_text("still not code")
        code_version.cache_clear()
        assert code_version() == first
        (tmp_path / "templates" / "board.html").write_text("<p>{{ figure }} EUR</p>")
        code_version.cache_clear()
        assert code_version() != first
    finally:
        code_version.cache_clear()
