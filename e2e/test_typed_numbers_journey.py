"""A French key account manager types figures the French way in the browser: a checkpoint's target and an actual
with spaces between thousands and a decimal comma; a figure written the English way stays in its input."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import expect

from accounts.tests.factories import AccountFactory
from e2e.conftest import serious_violations
from kam.roles import Role
from kam.tests.factories import UserFactory
from plans.models import Checkpoint
from plans.tests.factories import AccountPlanFactory, CheckpointFactory, ObjectiveFactory


def test_a_french_manager_types_targets_and_actuals_the_french_way(page, sign_in, axe, transactional_db):
    manager = UserFactory(username="e2e-manager", role=Role.KEY_ACCOUNT_MANAGER)
    plan = AccountPlanFactory(account=AccountFactory(name="Vélo Lyon", owner=manager), title="Plan Vélo")
    objective = ObjectiveFactory(plan=plan, title="Doubler le chiffre d'affaires")
    first = CheckpointFactory(objective=objective, label="T1 2027", target=Decimal("12000"))

    sign_in(manager)
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.goto(plan.get_absolute_url())

    article = page.locator(f"#objective-{objective.pk}")
    article.locator("summary").first.click()
    article.locator(f"#cp{objective.pk}-label").fill("T2 2027")
    article.locator(f"#cp{objective.pk}-due_on").fill("2027-06-30")
    article.locator(f"#cp{objective.pk}-target").fill("12 500,50")
    article.locator(f"#cp{objective.pk}-target").press("Enter")
    expect(page.locator(f"#objective-{objective.pk}").get_by_role("row", name="T2 2027")).to_contain_text(
        re.compile(r"12\s500,50")
    )
    assert Checkpoint.objects.get(label="T2 2027").target == Decimal("12500.50")

    actual = page.locator(f"#actual-{first.pk}")
    actual.fill("1\u00a0234,5")
    actual.press("Enter")
    expect(page.locator(f"#actual-{first.pk}")).to_have_value("1234,50")
    first.refresh_from_db()
    assert first.actual == Decimal("1234.5")

    # Written the English way: refused beside its input, the typed text kept to correct.
    page.locator(f"#actual-{first.pk}").fill("1,234.50")
    page.locator(f"#actual-{first.pk}").press("Enter")
    expect(page.locator(f"#actual-{first.pk}-errors")).to_contain_text(
        "Saisissez un nombre écrit comme 12\u00a0500,50."
    )
    expect(page.locator(f"#actual-{first.pk}")).to_have_value("1,234.50")
    expect(page.locator(f"#actual-{first.pk}")).to_have_attribute("aria-invalid", "true")
    assert serious_violations(axe, page) == []
    first.refresh_from_db()
    assert first.actual == Decimal("1234.5")
