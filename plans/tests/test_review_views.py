"""Review pages: who records, who reads, the cadence override, the due list and its bounded queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import formats, timezone

from accounts.models import Account
from accounts.tests.factories import AccountFactory, ContactFactory
from accounts.tests.pages import account_page
from plans.models import Action, PlanStatus, Review, ReviewCadence, UnbilledService
from plans.reviews import add_months
from plans.tests.factories import AccountPlanFactory

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.make_aware(datetime(2020, 1, 1))


@pytest.fixture
def account(manager, sponsor):
    account = AccountFactory(
        name="Acme Bikes", owner=manager, executive_sponsor=sponsor, is_key=True, segment="loyal_core"
    )
    Account.objects.filter(pk=account.pk).update(created_at=LONG_AGO)
    ReviewCadence.objects.update(updated_at=LONG_AGO)
    return account


def _post_review(client, account, **extra):
    today = timezone.localdate()
    data = {
        "review_type": "business",
        "held_on": today.isoformat(),
        "notes": "Went well",
        "decisions": "Start a pilot",
        "followup-TOTAL_FORMS": "3",
        "followup-INITIAL_FORMS": "0",
        **extra,
    }
    return client.post(f"/plans/reviews/new/{account.pk}/", data)


def test_manager_records_a_review_and_the_next_due_date_moves(client, manager, account):
    contact = ContactFactory(account=account, name="Ines Buyer")
    plan = AccountPlanFactory(account=account, status=PlanStatus.ACTIVE)
    service = UnbilledService.objects.create(plan=plan, description="Free audit", estimated_value=900)
    client.force_login(manager)
    page = account_page(client, account)
    assert "Overdue by" in page and "Record a review" in page
    today = timezone.localdate()
    response = _post_review(
        client,
        account,
        our_attendees=[manager.pk],
        their_attendees=[contact.pk],
        highlighted_services=[service.pk],
        **{"followup-0-title": "Send the offer", "followup-0-owner": manager.pk, "followup-0-due_on": "2030-01-31"},
    )
    review = Review.objects.get(account=account)
    assert response.status_code == 302 and response["Location"] == f"/plans/reviews/{review.pk}/"
    assert list(review.their_attendees.all()) == [contact] and list(review.highlighted_services.all()) == [service]
    assert Action.objects.get(title="Send the offer").plan == plan
    detail = client.get(review.get_absolute_url()).content.decode()
    assert "Ines Buyer" in detail and "Send the offer" in detail and "Free audit" in detail
    card = account_page(client, account)
    assert "Start a pilot" in card  # the decision, in the recent reviews
    row = _schedule_row(card, "business")
    assert _short(add_months(today, 3)) in row and "Overdue" not in row


def _short(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _schedule_row(card: str, review_type: str) -> str:
    return card.split(f'data-review-type="{review_type}"')[1].split("</tr>")[0]


def test_next_due_date_shows_on_the_card_three_months_after_the_review(client, manager, account):
    Review.objects.create(account=account, review_type="business", held_on=date(2030, 1, 15))
    client.force_login(manager)
    row = _schedule_row(account_page(client, account), "business")
    assert _short(date(2030, 4, 15)) in row and _short(date(2030, 1, 15)) in row


def test_a_review_in_the_future_is_refused_with_the_reason_and_keeps_the_input(client, manager, account):
    client.force_login(manager)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = _post_review(client, account, held_on=tomorrow.isoformat(), notes="Keep me")
    assert response.status_code == 422
    body = response.content.decode()
    assert "cannot be in the future" in body and "Keep me" in body
    assert not Review.objects.exists()


def test_a_follow_up_without_a_due_date_is_refused(client, manager, account):
    client.force_login(manager)
    response = _post_review(client, account, **{"followup-0-title": "Call back"})
    assert response.status_code == 422 and "Give the action a due date." in response.content.decode()
    assert not Review.objects.exists()


def test_a_contact_of_another_account_cannot_attend(client, manager, account):
    stranger = ContactFactory(account=AccountFactory())
    client.force_login(manager)
    response = _post_review(client, account, their_attendees=[stranger.pk])
    assert response.status_code == 422 and not Review.objects.exists()


@pytest.mark.parametrize("role", ["other_manager", "sponsor", "contributor"])
def test_colleagues_read_reviews_but_cannot_record_or_edit(client, request, account, role):
    review = Review.objects.create(account=account, review_type="business", held_on=date(2026, 1, 5))
    client.force_login(request.getfixturevalue(role))
    assert client.get(review.get_absolute_url()).status_code == 200
    assert "Record a review" not in account_page(client, account)
    assert client.get(f"/plans/reviews/new/{account.pk}/").status_code == 403
    assert _post_review(client, account).status_code == 403
    assert client.get(f"/plans/reviews/{review.pk}/edit/").status_code == 403
    assert client.post(f"/plans/reviews/cadence/{account.pk}/", {"business": "1"}).status_code == 403
    assert Review.objects.count() == 1 and not account.review_cadences.exists()


def test_outsider_gets_404_on_review_pages(client, outsider, account):
    review = Review.objects.create(account=account, review_type="business", held_on=date(2026, 1, 5))
    client.force_login(outsider)
    for url in (
        review.get_absolute_url(),
        f"/plans/reviews/{review.pk}/edit/",
        f"/plans/reviews/new/{account.pk}/",
        f"/plans/reviews/cadence/{account.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert "Acme Bikes" not in client.get("/plans/reviews/?scope=all").content.decode()


def test_administrator_edits_any_review(client, admin_user, account):
    review = Review.objects.create(account=account, review_type="business", held_on=date(2026, 1, 5))
    client.force_login(admin_user)
    data = {"review_type": "strategic", "held_on": "2026-01-06", "followup-TOTAL_FORMS": "3"}
    data["followup-INITIAL_FORMS"] = "0"
    assert client.post(f"/plans/reviews/{review.pk}/edit/", data).status_code == 302
    review.refresh_from_db()
    assert review.review_type == "strategic" and review.held_on == date(2026, 1, 6)


def test_action_owner_updates_a_follow_up_from_the_review_page(client, contributor, other_manager, account):
    review = Review.objects.create(account=account, review_type="business", held_on=date(2026, 1, 5))
    action = Action.objects.create(review=review, title="Ship samples", owner=contributor, due_on=date(2026, 2, 1))
    client.force_login(other_manager)
    url = f"/plans/reviews/{review.pk}/actions/{action.pk}/status/"
    assert client.post(url, {"status": "done"}).status_code == 403
    client.force_login(contributor)
    assert client.post(url, {"status": "done"}).status_code == 302
    action.refresh_from_db()
    assert action.status == "done"


def test_manager_overrides_the_cadence_for_an_account(client, manager, account):
    client.force_login(manager)
    page = client.get(f"/plans/reviews/cadence/{account.pk}/").content.decode()
    assert "Segment default: every 3 months" in page
    response = client.post(f"/plans/reviews/cadence/{account.pk}/", {"business": "2", "follow_up": "0"})
    assert response.status_code == 302
    assert dict(account.review_cadences.values_list("review_type", "every_months")) == {"business": 2, "follow_up": 0}
    card = account_page(client, account)
    assert "this account" in card and "Off" in card
    assert client.post(f"/plans/reviews/cadence/{account.pk}/", {"business": "99"}).status_code == 200
    assert account.review_cadences.get(review_type="business").every_months == 2


def test_due_list_shows_each_role_its_own_accounts(client, manager, sponsor, other_manager, account):
    AccountFactory(name="Other Co", owner=other_manager, is_key=True, segment="loyal_core")
    Account.objects.update(created_at=LONG_AGO)
    client.force_login(manager)
    mine = client.get("/plans/reviews/").content.decode()
    assert "Acme Bikes" in mine and "Other Co" not in mine and "Overdue by" in mine
    client.force_login(sponsor)
    sponsored = client.get("/plans/reviews/").content.decode()
    assert "Acme Bikes" in sponsored and "Other Co" not in sponsored
    assert "Other Co" in client.get("/plans/reviews/?scope=all").content.decode()
    filtered = client.get("/plans/reviews/?scope=all&review_type=strategic&segment=small").content.decode()
    assert "Acme Bikes" not in filtered


def test_due_list_queries_do_not_grow_with_the_accounts(client, admin_user, django_assert_max_num_queries):
    def portfolio(count):
        for _ in range(count):
            AccountFactory(is_key=True, segment="loyal_core", owner=admin_user, executive_sponsor=admin_user)
        Account.objects.update(created_at=LONG_AGO)
        ReviewCadence.objects.update(updated_at=LONG_AGO)

    client.force_login(admin_user)
    portfolio(3)
    with django_assert_max_num_queries(14) as small:
        assert client.get("/plans/reviews/?when=90").status_code == 200
    portfolio(40)
    with django_assert_max_num_queries(14) as large:
        body = client.get("/plans/reviews/?when=90").content.decode()
    assert "129 reviews due" in body
    assert len(large.captured_queries) == len(small.captured_queries), large.captured_queries
