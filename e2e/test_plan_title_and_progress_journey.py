"""A plan drafted on its default dates is named after its one year, and its progress badge speaks of what it judges."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from accounts.tests.factories import AccountFactory
from kam.roles import Role
from kam.tests.factories import UserFactory
from plans.models import AccountPlan
from plans.tests.factories import CheckpointFactory, ObjectiveFactory


def test_a_one_year_plan_is_titled_by_its_year_and_its_badge_gives_the_checkpoints_share(
    page, sign_in, transactional_db
):
    manager = UserFactory(username="e2e-title", first_name="Lea", last_name="Roux", role=Role.KEY_ACCOUNT_MANAGER)
    account = AccountFactory(name="Velo Brest", owner=manager, is_key=True)

    sign_in(manager)
    page.goto(f"/accounts/{account.pk}/")
    page.get_by_role("link", name="Draft an account plan").click()
    # The form proposes one calendar year (the next one from October); the manager keeps it.
    starts_on = date.fromisoformat(page.get_by_label("Start").input_value())
    ends_on = date.fromisoformat(page.get_by_label("End").input_value())
    assert starts_on.year == ends_on.year
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Velo Brest account plan {starts_on.year}")
    expect(page.locator("body")).not_to_contain_text(f"{starts_on.year}–{starts_on.year}")

    # Baseline 100, final target 300, first checkpoint 150: an actual of 140 covers 80 % of the way to the
    # checkpoint (at risk, not off track) and 20 % of the way to the final target.
    plan = AccountPlan.objects.get(account=account)
    objective = ObjectiveFactory(plan=plan, title="Win the Breton shops", baseline=100, target=300, due_on=ends_on)
    checkpoint = CheckpointFactory(objective=objective, label="Q1", due_on=date(starts_on.year, 3, 31), target=150)
    page.reload()
    article = page.locator(f"#objective-{objective.pk}")
    expect(article.locator(".badge")).to_have_text("Not measured yet")
    page.locator(f"#actual-{checkpoint.pk}").fill("140")
    article.get_by_role("button", name="Record").click()
    expect(page.locator(f"#objective-{objective.pk} .badge")).to_have_text(
        "At risk · 80 % of the checkpoint (20 % of the target)"
    )
