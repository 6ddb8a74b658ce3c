"""An administrator changes a weight, runs the segmentation, sees who moved and why."""

from __future__ import annotations

from playwright.sync_api import expect

from e2e.conftest import serious_violations
from kam.roles import Role
from kam.tests.factories import UserFactory
from scoring.models import SegmentationSettings
from scoring.services import segmentation_execute, segmentation_run_request
from scoring.tests.factories import rated_portfolio, three_criteria


def test_administrator_reweights_runs_and_reads_the_explanation(page, sign_in, axe, transactional_db):
    three_criteria()  # revenue 50, headroom 30, fit 20
    SegmentationSettings.objects.create(
        pk=1, mode="absolute", value=50, potential=50, gold=45, silver=30, key_rule="gold"
    )
    smallest, *_rest = rated_portfolio([(100, 1000), (200, 800), (300, 600), (400, 400)], [0, 5, 10, 10])
    segmentation_execute(run=segmentation_run_request())  # totals 30, 46.7, 63.3, 70: the smallest is not key
    admin = UserFactory(username="e2e-admin", role=Role.ADMINISTRATOR)
    sign_in(admin)

    page.get_by_role("link", name="Scoring model").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scoring model")
    assert serious_violations(axe, page) == []
    page.locator("#id_criteria-1-weight").fill("80")  # untapped headroom now weighs most
    page.get_by_role("button", name="Save the scoring model").click()
    expect(page.get_by_text("Scoring model saved.")).to_be_visible()

    page.get_by_role("link", name="Segmentation").click()
    page.get_by_role("button", name="Run the segmentation now").click()
    expect(page.locator("#key-changes")).to_contain_text(smallest.name)
    expect(page.locator("#key-changes")).to_contain_text("entered")
    assert serious_violations(axe, page) == []

    page.locator("#key-changes").get_by_role("link", name=smallest.name).click()
    expect(page.get_by_role("heading", name="Why this score")).to_be_visible()
    expect(page.locator("#why-summary")).to_contain_text("Became a key account in the last run.")
    assert serious_violations(axe, page) == []
