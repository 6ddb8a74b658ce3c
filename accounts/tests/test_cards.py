"""The account page paints identity, segment and to-dos first; each card has its own URL, behind the same access."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import AccountFactory
from accounts.tests.pages import HTMX, card_urls

pytestmark = pytest.mark.django_db


def test_first_paint_has_identity_segment_todos_and_a_menu_of_lazy_cards(client, manager):
    from plans.models import ActionStatus
    from plans.tests.factories import AccountPlanFactory, ActionFactory

    account = AccountFactory(name="Lazy Co", owner=manager, segment="loyal_core", is_key=True)
    plan = AccountPlanFactory(account=account, status="active")
    ActionFactory(plan=plan, title="Call the buyer", owner=manager, due_on=timezone.localdate() - timedelta(days=2))
    ActionFactory(plan=plan, title="Done already", status=ActionStatus.DONE, due_on=timezone.localdate())
    client.force_login(manager)
    page = client.get(account.get_absolute_url()).content.decode()
    assert "Lazy Co" in page and "Key account" in page and "How to treat this account" in page
    assert "What needs doing" in page and "Call the buyer" in page and "overdue since" in page
    assert "Done already" not in page
    assert 'aria-label="Sections of this page"' in page and 'href="#card-reviews"' in page
    urls = card_urls(page)
    assert f"/accounts/{account.pk}/cards/reviews/" in urls and f"/accounts/{account.pk}/cards/history/" in urls
    # Without JS, each card's slot links to the card's own page.
    assert f'<a href="/accounts/{account.pk}/cards/reviews/">' in page
    # The cards themselves are not in the first paint.
    assert "review-schedule" not in page


def test_card_is_a_fragment_for_htmx_and_a_page_without_js(client, manager):
    account = AccountFactory(name="Lazy Co", owner=manager)
    client.force_login(manager)
    url = f"/accounts/{account.pk}/cards/profile/"
    fragment = client.get(url, headers=HTMX).content.decode()
    assert "Business and markets" in fragment and "<html" not in fragment
    page = client.get(url).content.decode()
    assert "Business and markets" in page and "<html" in page
    assert f'href="/accounts/{account.pk}/"' in page  # back to the account


def test_outsider_gets_404_on_every_card_and_unknown_card_is_404(client, manager, outsider):
    account = AccountFactory(owner=manager)
    client.force_login(manager)
    urls = card_urls(client.get(account.get_absolute_url()).content.decode())
    assert client.get(f"/accounts/{account.pk}/cards/nope/").status_code == 404
    client.force_login(outsider)
    assert client.get(account.get_absolute_url()).status_code == 404
    assert [client.get(url, headers=HTMX).status_code for url in urls] == [404] * len(urls)
    client.logout()
    assert {client.get(url).status_code for url in urls} == {302}  # to the sign-in page


def test_a_reader_sees_cards_without_edit_buttons(client, contributor, manager):
    account = AccountFactory(owner=manager)
    client.force_login(contributor)
    body = client.get(f"/accounts/{account.pk}/cards/plan/", headers=HTMX).content.decode()
    assert "No account plan yet." in body and "Draft an account plan" not in body


def test_card_url_reads_only_and_refuses_odd_keys(client, manager):
    account = AccountFactory(owner=manager)
    client.force_login(manager)
    assert client.post(f"/accounts/{account.pk}/cards/profile/", {"x": "\x00"}).status_code == 405
    assert client.get(f"/accounts/{account.pk}/cards/__init__/").status_code == 404
    assert client.get(f"/accounts/{account.pk}/cards/{'a' * 5000}/").status_code == 404
    assert client.get("/accounts/999999999/cards/profile/").status_code == 404


def _due_soon(account, manager, count: int, start: int) -> None:
    """`count` more things due on the account: plan actions, overdue checkpoints, improvement actions."""
    from plans.models import Checkpoint
    from plans.tests.factories import ActionFactory, ObjectiveFactory
    from surveys.models import ImprovementAction

    today = timezone.localdate()
    plan = account.plans.get()
    objective = ObjectiveFactory(plan=plan, title=f"Objective {start}")
    for i in range(start, start + count):
        ActionFactory(plan=plan, title=f"Action {i}", owner=manager, due_on=today + timedelta(days=2))
        Checkpoint.objects.create(objective=objective, label=f"Period {i}", due_on=today - timedelta(days=1), target=1)
        ImprovementAction.objects.create(
            account=account, title=f"Improve {i}", owner=manager, department="Sales", due_on=today
        )


def test_first_paint_reads_a_fixed_number_of_queries_however_much_is_due(
    client, manager, django_assert_max_num_queries
):
    from plans.models import Review, ReviewType
    from plans.tests.factories import AccountPlanFactory

    account = AccountFactory(owner=manager, segment="loyal_core", is_key=True)
    AccountPlanFactory(account=account, status="active")
    _due_soon(account, manager, 2, start=0)
    Review.objects.create(account=account, review_type=ReviewType.BUSINESS, held_on=timezone.localdate())
    client.force_login(manager)
    client.get(account.get_absolute_url())  # warm caches (session, content types)
    # Session, user and roles; the account with the edit right; review cadences; plan actions; checkpoints;
    # improvement actions; the unread notifications of the menu; on PostgreSQL, the data stamp (inside this test's
    # transaction, which wrote, the to-dos are not taken from the cache: test_todos_cache.py shows that).
    with django_assert_max_num_queries(10) as few:
        client.get(account.get_absolute_url())
    _due_soon(account, manager, 20, start=2)
    for _review in range(10):
        Review.objects.create(account=account, review_type=ReviewType.FOLLOW_UP, held_on=timezone.localdate())
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(account.get_absolute_url()).content.decode()
    assert page.count("Action ") == 5 and page.count("Record the actual") == 5 and page.count("Improve ") == 5


@pytest.mark.parametrize(("role", "edits"), [("manager", True), ("other_manager", False), ("contributor", False)])
def test_first_paint_offers_editing_only_to_the_accounts_team(client, request, manager, role, edits):
    account = AccountFactory(owner=manager)
    client.force_login(request.getfixturevalue(role))
    page = client.get(account.get_absolute_url()).content.decode()
    assert ("Edit account" in page) is edits and ("Edit financials" in page) is edits


def test_todos_list_open_actions_of_open_plans_and_of_reviews_without_a_plan(client, manager):
    from plans.models import Review, ReviewType
    from plans.tests.factories import AccountPlanFactory, ActionFactory

    account = AccountFactory(owner=manager)
    soon = timezone.localdate() + timedelta(days=3)
    ActionFactory(plan=AccountPlanFactory(account=account, status="draft"), title="Draft plan step", due_on=soon)
    ActionFactory(plan=AccountPlanFactory(account=account, status="closed"), title="Closed plan step", due_on=soon)
    review = Review.objects.create(account=account, review_type=ReviewType.BUSINESS, held_on=timezone.localdate())
    ActionFactory(plan=None, review=review, title="Review follow-up", due_on=soon)
    ActionFactory(plan=None, review=Review.objects.create(account=AccountFactory(), held_on=soon), title="Elsewhere")
    client.force_login(manager)
    page = client.get(account.get_absolute_url()).content.decode()
    assert "Draft plan step" in page and "Review follow-up" in page
    assert "Closed plan step" not in page and "Elsewhere" not in page
