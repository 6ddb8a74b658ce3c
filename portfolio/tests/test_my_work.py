"""The "My work" page: everything that is mine to do, whatever its date, filtered; and the worklist's inline approve."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Account
from kam.models import Notification
from plans.models import AccountPlan, Action, PlanStatus
from plans.services import plan_submit
from portfolio.tests.builders import portfolio_build
from surveys.models import ImprovementAction

pytestmark = pytest.mark.django_db


def _mine(built, contributor, manager):
    today = timezone.localdate()
    Action.objects.create(plan=built["plan"], title="Check the invoices", owner=contributor, due_on=today)
    Action.objects.create(
        plan=built["plan"], title="Audit the deliveries", owner=contributor, due_on=today + timedelta(days=90)
    )
    ImprovementAction.objects.create(
        account=built["accounts"][2],
        title="Call back about late parcels",
        owner=contributor,
        department="Logistics",
        due_on=today - timedelta(days=5),
        created_by=manager,
    )


def test_contributor_sees_her_actions_whatever_their_date_and_nothing_of_others(client, manager, contributor, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    _mine(built, contributor, manager)
    Account.objects.filter(pk=built["accounts"][0].pk).update(service_manager=contributor)
    client.force_login(contributor)
    body = client.get("/my-work/").content.decode()
    assert "Check the invoices" in body
    assert "Audit the deliveries" in body  # due in 90 days: not on the worklist, here
    assert "Call back about late parcels" in body
    assert "Invite the CFO to the plant" not in body and "Far away action" not in body  # the manager's
    assert "Record the review" not in body and "Record the actual" not in body  # hers to serve, not to record
    assert "3 items shown of 3." in body


def test_manager_sees_reviews_and_checkpoints_of_the_accounts_he_runs(client, manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(manager)
    body = client.get("/my-work/").content.decode()
    alpha = built["accounts"][0]
    assert f'href="/plans/reviews/new/{alpha.pk}/?type=strategic"' in body
    assert "Grow revenue" in body and "Far away action" in body and "Invite the CFO to the plant" in body


def test_filters_by_due_date_plan_and_account(client, manager, contributor, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    _mine(built, contributor, manager)
    client.force_login(contributor)
    overdue = client.get("/my-work/", {"due": "overdue"}).content.decode()
    assert "Call back about late parcels" in overdue and "Check the invoices" not in overdue
    later = client.get("/my-work/", {"due": "later"}).content.decode()
    assert "Audit the deliveries" in later and "Check the invoices" not in later
    this_week = client.get("/my-work/", {"due": "week"}).content.decode()
    assert "Check the invoices" in this_week and "Audit the deliveries" not in this_week
    by_plan = client.get("/my-work/", {"plan": built["plan"].pk}).content.decode()
    assert "Check the invoices" in by_plan and "Call back about late parcels" not in by_plan
    by_account = client.get("/my-work/", {"account": built["accounts"][2].pk}).content.decode()
    assert "Call back about late parcels" in by_account and "Check the invoices" not in by_account
    none = client.get("/my-work/", {"due": "none"}).content.decode()
    assert "Nothing of yours matches these filters." in none


@pytest.mark.parametrize("value", ["x", "-1", "9" * 30, "<script>", "later\x00"])
def test_a_filter_value_that_is_no_choice_shows_everything_with_the_error(client, manager, contributor, sponsor, value):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    _mine(built, contributor, manager)
    client.force_login(contributor)
    response = client.get("/my-work/", {"due": value, "plan": value, "account": value})
    assert response.status_code == 200
    assert "Check the invoices" in response.content.decode()


def test_my_work_queries_do_not_grow_with_its_rows(client, manager, sponsor, django_assert_max_num_queries):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(manager)
    with django_assert_max_num_queries(40) as few:
        client.get("/my-work/")
    today = timezone.localdate()
    Action.objects.bulk_create(
        Action(plan=built["plan"], title=f"Call {i}", owner=manager, due_on=today + timedelta(days=i))
        for i in range(40)
    )
    ImprovementAction.objects.bulk_create(
        ImprovementAction(
            account=built["accounts"][i % 3], title=f"Fix {i}", owner=manager, department="Ops", due_on=today
        )
        for i in range(20)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get("/my-work/").content.decode()
    assert "Call 39" in body and "Fix 19" in body


def test_every_role_finds_my_work_in_the_menu(client, admin_user, manager, sponsor, contributor):
    for user in (admin_user, manager, sponsor, contributor):
        client.force_login(user)
        assert 'href="/my-work/"' in client.get("/").content.decode()


def test_outsider_without_a_role_sees_nothing_on_my_work(client, manager, sponsor, outsider):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    Action.objects.create(plan=built["plan"], title="Outsider task", owner=outsider, due_on=timezone.localdate())
    client.force_login(outsider)
    response = client.get("/my-work/")
    assert "Outsider task" not in response.content.decode()


# --- the worklist's inline approve -------------------------------------------------------------------------


def test_sponsor_approves_a_plan_inline_with_htmx(client, manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    plan = built["submitted"]
    client.force_login(sponsor)
    home = client.get("/").content.decode()
    assert f'hx-post="/worklist/plans/{plan.pk}/approve/"' in home
    response = client.post(f"/worklist/plans/{plan.pk}/approve/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.content.decode()
    assert f'id="approve-plan-{plan.pk}"' in fragment and "Approved" in fragment and "<html" not in fragment
    plan.refresh_from_db()
    assert plan.status in (PlanStatus.ACTIVE, PlanStatus.APPROVED) and plan.approved_by == sponsor


def test_inline_approve_needs_the_csrf_token(manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    plan = built["submitted"]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(sponsor)
    assert browser.post(f"/worklist/plans/{plan.pk}/approve/", headers={"HX-Request": "true"}).status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_inline_approve_is_refused_with_403_for_a_plan_one_wrote(client, manager, sponsor, admin_user):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    plan = built["submitted"]
    AccountPlan.objects.filter(pk=plan.pk).update(created_by=sponsor)
    client.force_login(sponsor)
    assert f"/worklist/plans/{plan.pk}/approve/" not in client.get("/").content.decode()
    assert client.post(f"/worklist/plans/{plan.pk}/approve/", headers={"HX-Request": "true"}).status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_inline_approve_refused_to_those_who_may_not_approve(client, manager, contributor, sponsor, outsider):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    plan = built["submitted"]
    for user, status in ((manager, 403), (contributor, 403), (outsider, 404)):
        client.force_login(user)
        assert client.post(f"/worklist/plans/{plan.pk}/approve/").status_code == status
    client.force_login(sponsor)
    assert client.get(f"/worklist/plans/{plan.pk}/approve/").status_code == 405
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_approving_from_the_worklist_clears_the_request_for_every_approver(client, manager, sponsor, admin_user):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    plan = built["accounts"][0].plans.get()  # Alpha's active plan: revise it to a draft and submit it again
    plan.objectives.get()
    AccountPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT)
    AccountPlan.objects.filter(pk=built["submitted"].pk).delete()
    plan.refresh_from_db()
    plan_submit(plan=plan, by=manager)
    assert Notification.objects.filter(user=sponsor, kind="plan_submitted", read_at=None).exists()
    client.force_login(sponsor)
    client.post(f"/worklist/plans/{plan.pk}/approve/")
    assert not Notification.objects.filter(kind="plan_submitted", read_at=None).exists()


def test_the_inline_approval_updates_the_unread_card_and_removes_it_once_nothing_is_unread(client, manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    plan = built["submitted"]
    Notification.objects.filter(user=sponsor).update(read_at=timezone.now())

    def request_approval() -> None:
        AccountPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.SUBMITTED)
        Notification.objects.update_or_create(
            user=sponsor,
            dedupe_key=f"plan-{plan.pk}-submitted-{sponsor.pk}",
            defaults={"kind": "plan_submitted", "message": "Submitted for your approval", "read_at": None},
        )

    request_approval()
    Notification.objects.create(user=sponsor, kind="info", message="The spring survey is open", dedupe_key="news")
    client.force_login(sponsor)
    approve = f"/worklist/plans/{plan.pk}/approve/"
    fragment = client.post(approve, headers={"HX-Request": "true"}).content.decode()
    card = fragment[fragment.index('id="worklist-notifications"') :]
    assert 'hx-swap-oob="true"' in card and "The spring survey is open" in card
    assert "Submitted for your approval" not in card

    Notification.objects.filter(dedupe_key="news").update(read_at=timezone.now())
    request_approval()
    fragment = client.post(approve, headers={"HX-Request": "true"}).content.decode()
    assert '<section id="worklist-notifications" hx-swap-oob="delete"></section>' in fragment


def test_a_long_list_is_paged_keeping_the_filters(client, manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    today = timezone.localdate()
    Action.objects.bulk_create(
        Action(plan=built["plan"], title=f"Later step {i:03d}", owner=manager, due_on=today + timedelta(days=20 + i))
        for i in range(120)
    )
    client.force_login(manager)
    first = client.get("/my-work/", {"due": "later"}).content.decode()
    assert "Later step 000" in first and "Later step 119" not in first
    assert first.count("<tr>") == 100 + first.count("<thead>")  # a hundred rows a page, under their headings
    assert 'href="?due=later&amp;page=2"' in first
    second = client.get("/my-work/", {"due": "later", "page": 2}).content.decode()
    assert "Later step 119" in second and "Later step 000" not in second


def test_the_worklist_shows_ten_per_heading_and_sends_to_my_work_for_the_rest(client, manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    Action.objects.bulk_create(
        Action(
            plan=built["plan"], title=f"Soon {i:02d}", owner=manager, due_on=timezone.localdate() + timedelta(days=1)
        )
        for i in range(14)
    )
    client.force_login(manager)
    body = client.get("/").content.decode()
    assert body.count("Soon ") == 10  # the earliest ten of the 15 due this week (with the Q2 checkpoint)
    assert '<a class="small" href="/my-work/?due=week">and 5 more on My work</a>' in body
