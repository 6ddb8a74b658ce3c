"""A key account manager sees the heat map of the whitespace on the dashboard, turns a top untouched cell at a
subsidiary into a plan objective, and reads its progress from revenue by line."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import expect

from accounts.models import FinancialYearSetting, LineRevenue, ProductLine
from accounts.tests.factories import AccountFactory
from e2e.conftest import serious_violations
from growth.models import LinePotential
from kam.roles import Role
from kam.tests.factories import UserFactory
from plans.tests.factories import AccountPlanFactory

PLOTLY_LOAD_MS = 30_000


def test_manager_turns_a_top_untouched_cell_into_an_objective(page, sign_in, axe, transactional_db):
    manager = UserFactory(username="e2e-manager", role=Role.KEY_ACCOUNT_MANAGER)
    FinancialYearSetting.objects.update_or_create(pk=1, defaults={"fixed_year": 2025})
    group = AccountFactory(name="Acme Group", owner=manager, segment="loyal_core")
    foods = AccountFactory(name="Acme Foods", parent=group, owner=manager, segment="high_potential")
    dairy, oils = ProductLine.objects.create(name="Dairy Products"), ProductLine.objects.create(name="Oils")
    LineRevenue.objects.create(account=foods, line=oils, year=2025, revenue=Decimal("800"))
    LinePotential.objects.create(account=foods, line=dairy, amount=Decimal("50000"), reason="New plant")
    plan = AccountPlanFactory(account=group, title="Acme plan")

    sign_in(manager)
    page.goto("/dashboard/")
    heat = page.locator('[data-chart-source="chart-whitespace"]')
    expect(heat).to_have_attribute("data-rendered", "1", timeout=PLOTLY_LOAD_MS)
    expect(page.locator('[data-summary="whitespace"]')).to_contain_text("50,000")
    top = page.locator("#top-untouched-section")
    expect(top.get_by_role("row", name="Acme Foods")).to_contain_text("entered: New plant")
    assert serious_violations(axe, page) == []

    top.get_by_role("link", name="Make it a plan objective").click()
    expect(page.get_by_label("Objective", exact=True)).to_have_value("Win Dairy Products at Acme Foods")
    expect(page.get_by_label("Target", exact=True)).to_have_value("50000")
    page.get_by_label("Baseline", exact=True).fill("0")
    assert serious_violations(axe, page) == []
    page.get_by_role("button", name="Add objective").click()

    objective = page.locator("article", has_text="Win Dairy Products at Acme Foods")
    expect(objective).to_contain_text("Product line Dairy Products at Acme Foods")
    expect(objective).to_contain_text("no revenue recorded on the line yet")
    assert page.url.endswith(f"/plans/{plan.pk}/#objective-{plan.objectives.get().pk}")
