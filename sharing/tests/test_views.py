"""Our side's sharing pages, as each role: the manager shares and invites, readers read, outsiders get 404."""

from __future__ import annotations

import pytest

from plans.models import PlanStatus
from plans.tests.factories import AccountPlanFactory
from sharing.models import PlanShare, ShareInvitation
from sharing.tests.factories import invite, last_code, shared_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(manager):
    return shared_plan(manager=manager)


def test_manager_shares_sections_objectives_and_actions(client, manager, shared):
    client.force_login(manager)
    page = client.get(f"/sharing/plans/{shared.plan.pk}/")
    assert page.status_code == 200
    response = client.post(
        f"/sharing/plans/{shared.plan.pk}/",
        {"sections": ["strategy", "threats"], "objectives": [shared.hidden_objective.pk], "actions": []},
    )
    assert response.status_code == 200  # "threats" is not a choice: the form says so
    response = client.post(
        f"/sharing/plans/{shared.plan.pk}/",
        {"sections": ["strategy"], "objectives": [shared.hidden_objective.pk], "actions": [shared.ours.pk]},
    )
    assert response.status_code == 302
    shared.share.refresh_from_db()
    assert shared.share.sections == ["strategy"]
    assert list(shared.share.objectives.all()) == [shared.hidden_objective]


def test_objects_of_another_plan_cannot_be_shared(client, manager, shared):
    other = shared_plan(manager=manager)
    client.force_login(manager)
    response = client.post(f"/sharing/plans/{shared.plan.pk}/", {"objectives": [other.objective.pk]})
    assert response.status_code == 200
    assert not shared.share.objectives.filter(pk=other.objective.pk).exists()


def test_manager_invites_a_contact_of_the_account_only(client, manager, shared):
    stranger = shared_plan(manager=manager).alice
    client.force_login(manager)
    assert client.post(f"/sharing/plans/{shared.plan.pk}/invite/", {"contact": stranger.pk}).status_code == 200
    assert not ShareInvitation.objects.exists()
    assert client.post(f"/sharing/plans/{shared.plan.pk}/invite/", {"contact": shared.alice.pk}).status_code == 302
    assert ShareInvitation.objects.filter(contact=shared.alice).count() == 1


def test_a_draft_plan_cannot_be_shared(client, manager):
    plan = AccountPlanFactory(account__owner=manager, status=PlanStatus.DRAFT)
    client.force_login(manager)
    response = client.post(f"/sharing/plans/{plan.pk}/", {"sections": ["business"]}, follow=True)
    assert "Only an approved or active plan can be shared" in response.content.decode()
    assert not PlanShare.objects.filter(plan=plan).exists()


def test_manager_sees_who_opened_the_plan_and_when(client, manager, shared):
    invitation, token = invite(shared, shared.alice, by=manager)
    client.get(f"/p/{token}/")
    client.post(f"/p/{token}/", {"code": last_code("alice@customer.test")})
    client.get(f"/p/{token}/")
    client.force_login(manager)
    page = client.get(f"/sharing/plans/{shared.plan.pk}/").content.decode()
    invitation.refresh_from_db()
    assert "Alice Buyer" in page and "Opened the plan" in page
    plan_page = client.get(f"/plans/{shared.plan.pk}/").content.decode()
    assert "Shared with the customer" in plan_page and "opened first" in plan_page


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("manager", 200, 302),
        ("admin_user", 200, 302),
        ("other_manager", 200, 403),
        ("sponsor", 200, 403),
        ("contributor", 200, 403),
        ("outsider", 404, 404),
    ],
)
def test_access_for_each_role(client, request, shared, manager, who, read, write):
    invitation, _token = invite(shared, shared.alice, by=manager)
    user = request.getfixturevalue(who)
    client.force_login(user)
    pk = shared.plan.pk
    assert client.get(f"/sharing/plans/{pk}/").status_code == read
    assert client.post(f"/sharing/plans/{pk}/", {"sections": ["business"]}).status_code == write
    assert client.post(f"/sharing/plans/{pk}/invite/", {"contact": shared.bob.pk}).status_code == write
    assert client.post(f"/sharing/invitations/{invitation.pk}/revoke/").status_code == write
    assert client.post(f"/sharing/invitations/{invitation.pk}/resend/").status_code == write


def test_plan_history_shows_what_the_customer_did(client, admin_user, manager, shared):
    _invitation, token = invite(shared, shared.alice, by=manager)
    client.get(f"/p/{token}/")
    client.post(f"/p/{token}/", {"code": last_code("alice@customer.test")})
    client.post(f"/p/{token}/comment/", {"text": "A remark from the customer"})
    client.force_login(admin_user)
    page = client.get(f"/plans/{shared.plan.pk}/").content.decode()
    assert "Alice Buyer (customer)" in page
    assert "A remark from the customer" in page


def test_dashboard_shows_plans_shared_and_read_by_the_customer(client, sponsor, manager, shared):
    shared.plan.account.executive_sponsor = sponsor
    shared.plan.account.save()
    _invitation, token = invite(shared, shared.alice, by=manager)
    invite(shared, shared.bob, by=manager)
    client.get(f"/p/{token}/")
    client.post(f"/p/{token}/", {"code": last_code("alice@customer.test")})
    client.get(f"/p/{token}/")
    client.force_login(sponsor)
    page = client.get("/dashboard/").content.decode()
    assert "Plans shared and read by the customer" in page
    assert "Mutual plan 2027" in page and "1 of 2 invited" in page
