"""A key account manager sees an overdue quarterly review, records it with attendees and a follow-up action,
and the next due date moves three months on."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import formats, timezone
from playwright.sync_api import expect

from accounts.models import Account
from accounts.tests.factories import AccountFactory, ContactFactory
from e2e.conftest import serious_violations
from kam.roles import Role
from kam.tests.factories import UserFactory
from plans.models import Action, Review, ReviewCadence
from plans.reviews import add_months


def _short(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def test_manager_records_a_quarterly_review_and_the_next_due_date_moves(page, sign_in, axe, transactional_db):
    manager = UserFactory(username="e2e-kam", first_name="Marc", last_name="Dubois", role=Role.KEY_ACCOUNT_MANAGER)
    sponsor = UserFactory(username="e2e-sponsor", first_name="Sophie", last_name="Laurent", role=Role.EXECUTIVE_SPONSOR)
    account = AccountFactory(
        name="Velo Lyon", owner=manager, executive_sponsor=sponsor, is_key=True, segment="loyal_core"
    )
    long_ago = timezone.make_aware(datetime(2020, 1, 1))
    Account.objects.filter(pk=account.pk).update(created_at=long_ago)
    ReviewCadence.objects.update(updated_at=long_ago)
    ContactFactory(account=account, name="Ines Garcia", job_title="Purchasing director")
    today = timezone.localdate()
    last_quarter = today - timedelta(days=120)
    Review.objects.create(account=account, review_type="business", held_on=last_quarter)

    sign_in(manager)
    page.goto(f"/accounts/{account.pk}/")
    business = page.locator('#review-schedule tr[data-review-type="business"]')
    expect(business).to_contain_text("Overdue by")
    expect(business).to_contain_text(_short(last_quarter))
    assert serious_violations(axe, page) == []

    business.get_by_role("link", name="Record it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a review of Velo Lyon")
    expect(page.get_by_label("Type")).to_have_value("business")
    form = page.locator("main form")
    expect(form.get_by_role("checkbox", name="Marc Dubois")).to_be_checked()
    form.get_by_role("checkbox", name="Sophie Laurent").check()
    form.get_by_role("checkbox", name="Ines Garcia, Purchasing director").check()
    form.get_by_label("Notes").fill("Volumes up 6 %; two late deliveries in March.")
    form.get_by_label("Decisions").fill("Pilot a shared forecast with their planners.")
    page.get_by_label("Follow-up action 1").fill("Send the forecast pilot proposal")
    page.get_by_label("Owner 1").select_option(label="Marc Dubois")
    page.get_by_label("Due date 1").fill((today + timedelta(days=10)).isoformat())
    assert serious_violations(axe, page) == []
    page.locator("main button[type=submit]").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Quarterly business review with Velo Lyon")
    expect(page.locator("#our-attendees")).to_contain_text("Sophie Laurent")
    expect(page.locator("#their-attendees")).to_contain_text("Ines Garcia")
    expect(page.locator("#decisions")).to_contain_text("Pilot a shared forecast")
    expect(page.locator("#actions")).to_contain_text("Send the forecast pilot proposal")
    assert serious_violations(axe, page) == []
    action = Action.objects.get(title="Send the forecast pilot proposal")
    assert action.owner == manager and action.review.account == account

    page.get_by_role("link", name="Velo Lyon").click()
    business = page.locator('#review-schedule tr[data-review-type="business"]')
    expect(business.locator(".next-due")).to_contain_text(_short(add_months(today, 3)))
    expect(business).not_to_contain_text("Overdue")
    expect(page.locator("#recent-reviews")).to_contain_text("Pilot a shared forecast")

    page.get_by_role("link", name="Reviews", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews due")
    assert serious_violations(axe, page) == []
