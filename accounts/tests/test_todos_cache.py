"""The account page's "What needs doing" is kept rendered under the data stamp (kam.stamp): a write shows on the
next load, and readers with and without the right to edit get their own links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Account
from accounts.tests.factories import AccountFactory
from plans.models import Action, ActionStatus, Review, ReviewCadence, ReviewType
from plans.tests.factories import AccountPlanFactory, ActionFactory

# The stamp is only given outside a transaction that wrote (as a web request reads), so these tests commit.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]


def _todos(body: str) -> str:
    start = body.index('id="todo-heading"')
    return body[start : body.index("</section>", start)]


def _load(client: Client, account: Account) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        body = client.get(account.get_absolute_url()).content.decode()
    return _todos(body), len(queries.captured_queries)


def _business_review_overdue_in_loyal_core(account: Account) -> None:
    """The last business review 70 days ago, and loyal core key accounts hold one every month."""
    Review.objects.create(
        account=account, review_type=ReviewType.BUSINESS, held_on=timezone.localdate() - timedelta(days=70)
    )
    ReviewCadence.objects.update_or_create(
        segment="loyal_core", review_type=ReviewType.BUSINESS, defaults={"every_months": 1, "key_only": True}
    )


def test_the_todos_come_from_the_cache_until_a_write_then_show_it(client, manager):
    account = AccountFactory(owner=manager)
    plan = AccountPlanFactory(account=account, status="active")
    today = timezone.localdate()
    call = ActionFactory(plan=plan, title="Call the buyer", owner=manager, due_on=today - timedelta(days=2))
    client.force_login(manager)
    first, cold = _load(client, account)
    again, warm = _load(client, account)
    assert again == first and "Call the buyer" in first and "overdue since" in first
    assert warm <= cold - 3  # cadences, plan actions, checkpoints and improvement actions are not read again
    Action.objects.filter(pk=call.pk).update(status=ActionStatus.DONE)  # no save(), no signal
    after_done, _ = _load(client, account)
    assert "Call the buyer" not in after_done and "Nothing overdue or due this week." in after_done
    ActionFactory(plan=plan, title="Send the samples", owner=manager, due_on=today + timedelta(days=2))
    assert "Send the samples" in _load(client, account)[0]


def test_a_segment_change_brings_its_review_rhythm_at_once(client, manager):
    account = AccountFactory(owner=manager, is_key=True, segment="")
    _business_review_overdue_in_loyal_core(account)
    client.force_login(manager)
    assert "Hold the review" not in _load(client, account)[0]
    Account.objects.filter(pk=account.pk).update(segment="loyal_core")
    assert "Hold the review: Quarterly business review" in _load(client, account)[0]


def test_who_may_edit_gets_the_review_form_and_a_reader_the_reviews_card(client, manager, other_manager):
    account = AccountFactory(owner=manager, is_key=True, segment="loyal_core")
    _business_review_overdue_in_loyal_core(account)
    client.force_login(manager)
    for _load_again in range(2):
        assert f"/plans/reviews/new/{account.pk}/?type=business" in _load(client, account)[0]
    reader = Client()
    reader.force_login(other_manager)
    for _load_again in range(2):
        todos = _load(reader, account)[0]
        assert "Hold the review: Quarterly business review" in todos
        assert "/reviews/new/" not in todos and f'href="/accounts/{account.pk}/#reviews"' in todos
