"""A plan's history: who changed its content and when, on the plan page for administrators."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import AccountFactory
from plans.models import AccountPlan, Objective
from plans.tests.factories import AccountPlanFactory, ActionFactory, CheckpointFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(manager, sponsor):
    account = AccountFactory(name="Acme Bikes", owner=manager, executive_sponsor=sponsor)
    return AccountPlanFactory(account=account, title="Acme plan", created_by=manager)


def _sections(plan, **changes) -> dict:
    return {
        "title": plan.title,
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        **changes,
    }


def test_a_plan_edit_is_recorded_with_who_made_it(client, manager, plan):
    client.force_login(manager)

    response = client.post(reverse("plans:edit", args=[plan.pk]), _sections(plan, strategy="Grow in e-bikes"))

    assert response.status_code == 302
    record = AccountPlan.history.filter(id=plan.pk).order_by("-history_date").first()
    assert (record.strategy, record.history_user) == ("Grow in e-bikes", manager)


def test_administrators_see_the_plan_history_and_managers_do_not(client, manager, admin_user, plan):
    client.force_login(manager)
    client.post(reverse("plans:edit", args=[plan.pk]), _sections(plan, strategy="Grow in e-bikes"))
    client.post(
        reverse("plans:objective_add", args=[plan.pk]),
        {"title": "Double revenue", "metric": "revenue", "baseline": "100", "target": "200", "due_on": "2028-12-31"},
    )
    assert Objective.history.filter(plan_id=plan.pk, history_user=manager).exists()

    client.force_login(admin_user)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Plan changed: Acme plan" in page
    assert "— → Grow in e-bikes" in page
    assert "Objective added: Double revenue" in page
    client.force_login(manager)
    assert "Plan changed: Acme plan" not in client.get(plan.get_absolute_url()).content.decode()


def test_the_plan_history_costs_the_same_queries_however_long_it_is(client, admin_user, manager, plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def one_round_of_changes(n: int) -> None:
        plan.strategy = f"Strategy {n}"
        plan.save()
        objective = ObjectiveFactory(plan=plan, title=f"Objective {n}")
        CheckpointFactory(objective=objective)
        ActionFactory(plan=plan, owner=manager, objective=objective)

    client.force_login(admin_user)
    one_round_of_changes(0)
    with CaptureQueriesContext(connection) as short:
        client.get(plan.get_absolute_url())
    for n in range(1, 15):
        one_round_of_changes(n)
    with CaptureQueriesContext(connection) as long:
        page = client.get(plan.get_absolute_url()).content.decode()
    assert "Strategy 14" in page
    assert len(long.captured_queries) == len(short.captured_queries)


def test_history_writes_amounts_and_dates_as_the_page_does_in_each_language(client, manager, admin_user, plan):
    from datetime import date
    from decimal import Decimal

    from accounts.tests.factories import YearlyFinancialFactory

    objective = ObjectiveFactory(plan=plan, target=Decimal("2984501"), due_on=date(2027, 6, 30))
    objective.target, objective.due_on = Decimal("5206611.50"), date(2028, 12, 20)
    objective.save()
    YearlyFinancialFactory(account=plan.account, year=2025, revenue=Decimal("5206611"))
    client.force_login(admin_user)
    english = client.get(plan.get_absolute_url()).content.decode()
    assert "2,984,501 → 5,206,611.50" in english and "06/30/2027 → 12/20/2028" in english
    account_page = client.get(f"/accounts/{plan.account.pk}/cards/history/").content.decode()
    assert "Revenue: 5,206,611" in account_page
    client.cookies["django_language"] = "fr"
    french = client.get(plan.get_absolute_url()).content.decode()
    assert "2\xa0984\xa0501 → 5\xa0206\xa0611,50" in french and "30/06/2027 → 20/12/2028" in french
