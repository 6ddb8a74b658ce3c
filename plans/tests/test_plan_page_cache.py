"""The plan page's working area (objectives, checkpoints, actions) is cached under the data stamp: a change shows on
the next load, and no reader gets another reader's fragment (language, rights) or a form's refusal."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import AccountFactory
from plans.models import AccountPlan, PlanStatus
from plans.tests.factories import AccountPlanFactory, ActionFactory, CheckpointFactory, ObjectiveFactory, big_plan

# The stamp is only given outside a transaction that wrote (as a web request reads), so these tests commit.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]

CONTENT_TABLES = ("plans_objective", "plans_checkpoint", "plans_action")


@pytest.fixture
def plan(manager, sponsor) -> AccountPlan:
    account = AccountFactory(name="Acme Bikes", owner=manager, executive_sponsor=sponsor, is_key=True)
    return AccountPlanFactory(account=account, title="Acme plan 2027", status=PlanStatus.ACTIVE)


def _page(client: Client, plan: AccountPlan, **headers) -> tuple[str, list[str]]:
    """The page's text and the SQL it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/plans/{plan.pk}/", **headers)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries.captured_queries]


def _tokenless(body: str) -> str:
    """The page without its CSRF tokens (in forms and htmx's headers), masked afresh on every response."""
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "", body)


def _reads_content(sql: list[str]) -> bool:
    return any(f'FROM "{table}"' in query for query in sql for table in CONTENT_TABLES)


def _form_action(body: str, ending: str) -> str:
    return re.search(rf'<form method="post" action="(/plans/\d+/[a-z]+/\d+/{ending}/)"', body).group(1)


def test_a_second_load_does_not_read_the_plans_content_and_a_changed_status_shows_on_the_next(client, manager, plan):
    ActionFactory(plan=plan, title="Call Ana", owner=manager)
    client.force_login(manager)
    first, first_sql = _page(client, plan)
    again, again_sql = _page(client, plan)
    assert _reads_content(first_sql) and not _reads_content(again_sql)
    assert _tokenless(again) == _tokenless(first)
    client.post(_form_action(again, "status"), {"status": "done"}, HTTP_HX_REQUEST="true")
    after, after_sql = _page(client, plan)
    assert _reads_content(after_sql)
    assert '<option value="done" selected>Done</option>' in after
    assert '<option value="todo" selected>' not in after


def test_an_actual_recorded_through_the_page_without_javascript_shows_on_the_next_load(client, manager, plan):
    objective = ObjectiveFactory(plan=plan, title="Grow")
    CheckpointFactory(objective=objective, label="Q1", target=125)
    client.force_login(manager)
    body, _sql = _page(client, plan)
    _page(client, plan)  # now from the cache
    response = client.post(_form_action(body, "actual"), {"actual": "140"})
    assert response.status_code == 302
    after, _sql = _page(client, plan)
    assert 'value="140.00"' in after


def test_a_refused_actual_is_shown_as_typed_and_never_kept_for_the_next_load(client, manager, plan):
    CheckpointFactory(objective=ObjectiveFactory(plan=plan), label="Q1", target=125, actual=100)
    client.force_login(manager)
    body, _sql = _page(client, plan)
    url = _form_action(body, "actual")
    for headers in ({"HTTP_HX_REQUEST": "true"}, {}):
        refused = client.post(url, {"actual": "lots"}, **headers).content.decode()
        assert 'value="lots"' in refused and "Not recorded:" in refused
        after, _sql = _page(client, plan)
        assert 'value="lots"' not in after and "Not recorded:" not in after and 'value="100.00"' in after


def test_a_french_reader_never_gets_the_english_fragment(client, manager, plan):
    objective = ObjectiveFactory(plan=plan, title="Grow", due_on=date(2027, 12, 31))
    CheckpointFactory(objective=objective, label="Q1")
    client.force_login(manager)
    english, _sql = _page(client, plan, HTTP_ACCEPT_LANGUAGE="en")
    assert "Checkpoints of Grow" in english and "12/31/2027" in english
    french, _sql = _page(client, plan, HTTP_ACCEPT_LANGUAGE="fr")
    french = html.unescape(french)
    assert "Points d'étape de Grow" in french and "31/12/2027" in french
    assert "Checkpoints of Grow" not in french and "12/31/2027" not in french


def test_a_reader_who_may_not_update_an_action_never_gets_the_fragment_of_one_who_may(
    manager, contributor, sponsor, plan
):
    ActionFactory(plan=plan, title="Call Ana", owner=manager)
    ActionFactory(plan=plan, title="Visit the plant", owner=contributor)
    # All signed in first: a sign-in writes the user's last login, which would move the stamp between pages.
    readers = {user: Client() for user in (manager, sponsor, contributor)}
    for user, reader in readers.items():
        reader.force_login(user)
    managers, _sql = _page(readers[manager], plan)
    assert managers.count('<select name="status"') == 2
    sponsors, _sql = _page(readers[sponsor], plan)
    assert '<select name="status"' not in sponsors and "Status of" not in sponsors
    # The owner of one action, from another department, updates hers and only hers.
    owners, _sql = _page(readers[contributor], plan)
    assert owners.count('<select name="status"') == 1 and "Status of Visit the plant" in owners
    assert not _reads_content(_page(readers[sponsor], plan)[1]), "the readers' areas were not cached"


def test_the_cached_area_carries_each_visitors_own_token(manager, plan):
    ActionFactory(plan=plan, title="Call Ana", owner=manager)
    visitors = [Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)]
    for visitor in visitors:  # both signed in first: a sign-in moves the stamp
        visitor.force_login(manager)
    pages = [_page(visitor, plan) for visitor in visitors]
    assert not _reads_content(pages[1][1]), "the second visitor's area did not come from the cache"
    for visitor, (body, _sql), status in zip(visitors, pages, ("done", "in_progress"), strict=True):
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        response = visitor.post(_form_action(body, "status"), {"status": status, "csrfmiddlewaretoken": token})
        assert response.status_code == 302
        assert plan.actions.get().status == status


@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.ACTIVE])
def test_the_page_reads_a_fixed_number_of_queries_whatever_the_plans_size_cold_or_warm(
    client, manager, plan, status, django_assert_max_num_queries
):
    AccountPlan.objects.filter(pk=plan.pk).update(status=status)
    CheckpointFactory(objective=ObjectiveFactory(plan=plan))
    ActionFactory(plan=plan, owner=manager)
    client.force_login(manager)
    _body, small_cold = _page(client, plan)
    _body, small_warm = _page(client, plan)
    assert len(small_warm) < len(small_cold)
    big_plan(plan, owner=manager)
    with django_assert_max_num_queries(len(small_cold)):
        body, big_cold = _page(client, plan)
    assert body.count('id="objective-title-') == 11 and body.count('<tr class="') == 61 and _reads_content(big_cold)
    with django_assert_max_num_queries(len(small_warm)):
        again, _sql = _page(client, plan)
    assert _tokenless(again) == _tokenless(body)


def _reads_comments(sql: list[str]) -> bool:
    return any('FROM "plans_plancomment"' in query for query in sql)


def test_comments_come_from_the_cache_and_one_posted_with_the_pages_own_form_shows_on_the_next_load(manager, plan):
    visitor = Client(enforce_csrf_checks=True)
    visitor.force_login(manager)
    _page(visitor, plan)
    body, sql = _page(visitor, plan)
    assert not _reads_comments(sql) and "No comment yet." in body
    token = re.search(
        r'action="/plans/\d+/comments/">\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', body
    )
    response = visitor.post(
        f"/plans/{plan.pk}/comments/", {"text": "Ask the buyer <b>first</b>", "csrfmiddlewaretoken": token.group(1)}
    )
    assert response.status_code == 302
    after, sql = _page(visitor, plan)
    assert _reads_comments(sql) and "Ask the buyer &lt;b&gt;first&lt;/b&gt;" in after and "No comment yet." not in after


def test_a_reader_who_may_not_comment_never_gets_the_form_of_one_who_may(manager, contributor, plan):
    readers = {user: Client() for user in (manager, contributor)}
    for user, reader in readers.items():  # both signed in first: a sign-in moves the stamp
        reader.force_login(user)
    assert 'id="comment-text"' in _page(readers[manager], plan)[0]
    contributors, _sql = _page(readers[contributor], plan)
    assert "Comments and decisions" in contributors and 'id="comment-text"' not in contributors
    assert not _reads_comments(_page(readers[manager], plan)[1]), "the comments were not kept"
