from __future__ import annotations

import pytest

from accounts.models import Account, ProductLine
from accounts.tests.factories import AccountFactory, ContactFactory
from plans.tests.factories import AccountPlanFactory, ActionFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def test_list_filters_like_the_register_and_pages_by_cursor(api_as, contributor):
    for i in range(5):
        AccountFactory(name=f"Acme {i}", sector="Retail" if i % 2 else "Energy")
    client = api_as(contributor, "read")
    response = client.get("/api/v1/accounts/", {"sector": "Retail", "page_size": 1})
    body = response.json()
    assert response.status_code == 200
    assert [a["name"] for a in body["results"]] == ["Acme 1"]
    second = client.get(body["next"]).json()
    assert [a["name"] for a in second["results"]] == ["Acme 3"]


def test_create_update_and_upsert_use_the_forms_rules(api_as, manager):
    client = api_as(manager)
    response = client.post("/api/v1/accounts/", {"name": "Acme", "founded_year": 1500}, format="json")
    assert response.status_code == 400
    assert (
        response.json()["errors"]["founded_year"] == ["Enter a year between 1800 and 2026."]
        or "founded_year" in (response.json()["errors"])
    )
    created = client.post("/api/v1/accounts/", {"name": "Acme", "reference": "C-1"}, format="json")
    assert created.status_code == 201 and created.json()["owner"]["username"] == manager.username
    pk = created.json()["id"]
    assert client.patch(f"/api/v1/accounts/{pk}/", {"city": "Lyon"}, format="json").json()["city"] == "Lyon"
    assert Account.objects.get(pk=pk).name == "Acme"
    upsert = client.put("/api/v1/accounts/by-reference/C-1/", {"name": "Acme SA"}, format="json")
    assert upsert.status_code == 200 and upsert.json()["name"] == "Acme SA"
    new = client.put("/api/v1/accounts/by-reference/C-2/", {"name": "Beta"}, format="json")
    assert new.status_code == 201 and Account.objects.filter(reference="C-2").exists()


def test_a_manager_may_not_change_a_colleagues_account(api_as, manager, other_manager):
    account = AccountFactory(name="Theirs", owner=other_manager, reference="T-1")
    client = api_as(manager)
    assert client.patch(f"/api/v1/accounts/{account.pk}/", {"name": "Mine"}, format="json").status_code == 403
    assert client.put("/api/v1/accounts/by-reference/T-1/", {"name": "Mine"}, format="json").status_code == 403
    account.refresh_from_db()
    assert account.name == "Theirs"


def test_a_user_without_a_role_gets_no_token(outsider):
    from api.tokens import TokenRefused, token_create

    with pytest.raises(TokenRefused):
        token_create(user=outsider, name="x", scope="read")


def test_contacts_financials_interactions(api_as, manager):
    account = AccountFactory(owner=manager)
    ContactFactory(account=account, name="Ann")
    client = api_as(manager)
    assert [c["name"] for c in client.get(f"/api/v1/accounts/{account.pk}/contacts/").json()["results"]] == ["Ann"]
    added = client.post(f"/api/v1/accounts/{account.pk}/contacts/", {"name": "Bob"}, format="json")
    assert added.status_code == 201
    year = client.put(f"/api/v1/accounts/{account.pk}/financials/", {"year": 2025, "revenue": "1000"}, format="json")
    assert year.status_code == 200
    again = client.put(f"/api/v1/accounts/{account.pk}/financials/", {"year": 2025, "revenue": "2000"}, format="json")
    assert again.status_code == 200
    assert [f["revenue"] for f in client.get(f"/api/v1/accounts/{account.pk}/financials/").json()] == ["2000.00"]
    logged = client.post(
        f"/api/v1/accounts/{account.pk}/interactions/",
        {"kind": "call", "occurred_on": "2026-01-05", "summary": "Called"},
        format="json",
    )
    assert logged.status_code == 201, logged.json()


def test_action_status_is_writable_by_its_owner_only(api_as, manager, contributor, sponsor):
    account = AccountFactory(owner=manager)
    plan = AccountPlanFactory(account=account)
    action = ActionFactory(plan=plan, owner=contributor)
    assert api_as(sponsor).patch(f"/api/v1/actions/{action.pk}/", {"status": "done"}, format="json").status_code == 403
    response = api_as(contributor).patch(f"/api/v1/actions/{action.pk}/", {"status": "done"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "done"
    detail = api_as(sponsor, "read").get(f"/api/v1/plans/{plan.pk}/").json()
    assert detail["actions"][0]["status"] == "done"


def test_a_plan_says_which_line_and_account_an_objective_targets(api_as, manager, django_assert_max_num_queries):
    group = AccountFactory(owner=manager)
    subsidiary = AccountFactory(owner=manager, parent=group)
    plan = AccountPlanFactory(account=group)
    oils = ProductLine.objects.create(name="Oils")
    ObjectiveFactory(plan=plan, title="Win Oils", metric="line_revenue", line=oils, line_account=subsidiary)
    ObjectiveFactory(plan=plan, title="Grow revenue", metric="revenue")
    client = api_as(manager, "read")
    with django_assert_max_num_queries(12):
        detail = client.get(f"/api/v1/plans/{plan.pk}/").json()
    targets = {o["title"]: (o["line"], o["line_account"]) for o in detail["objectives"]}
    assert targets == {"Win Oils": ("Oils", subsidiary.pk), "Grow revenue": (None, None)}


def test_only_administrators_start_a_segmentation(api_as, manager, admin_user):
    assert api_as(manager).post("/api/v1/segmentation-runs/").status_code == 403
    response = api_as(admin_user).post("/api/v1/segmentation-runs/")
    assert response.status_code == 202
    assert api_as(admin_user).post("/api/v1/segmentation-runs/").status_code in (202, 409)


def test_read_only_resources_answer(api_as, sponsor):
    account = AccountFactory()
    client = api_as(sponsor, "read")
    for url in [
        f"/api/v1/accounts/{account.pk}/score/",
        f"/api/v1/accounts/{account.pk}/survey-results/",
        "/api/v1/overrides/",
        "/api/v1/plans/",
        "/api/v1/reviews/due/",
        "/api/v1/notifications/",
        "/api/v1/segmentation-runs/",
    ]:
        assert client.get(url).status_code == 200, url
