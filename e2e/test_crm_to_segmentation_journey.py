"""Issue 13 end to end: a customer's CRM export imported through the wizard, then a segmentation that scores truthfully.

The portfolio already has ten scored accounts. Sales-ops imports the CRM's sales team, accounts and opportunities
(one click per fix), runs the segmentation: the imported accounts with enough real figures are scored, the others
are listed as not scored with what they lack, and no account that was there before changes key status.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import Account, Deal, YearlyFinancial
from accounts.services import financials_refresh
from accounts.tests.factories import AccountFactory, YearlyFinancialFactory
from e2e.conftest import serious_violations
from kam.roles import Role
from kam.tests.factories import UserFactory
from scoring.models import AccountScore, SegmentationRun, SegmentationSettings
from scoring.services import segmentation_execute, segmentation_run_request
from scoring.tests.factories import CriterionFactory, RatingFactory

CRM = Path(settings.BASE_DIR) / "accounts" / "tests" / "data" / "crm"
# The opportunities run to 2017: the portfolio's own figures are of the same years, so 2017 stays the year in use.
YEAR = 2017
# (revenue YEAR - 1, revenue YEAR, fit rating 0-10): real figures, some key by the gold rule, most not.
PORTFOLIO = [
    (800_000, 900_000, 9),
    (550_000, 600_000, 8),
    (400_000, 400_000, 7),
    (350_000, 300_000, 6),
    (180_000, 200_000, 10),
    (150_000, 150_000, 5),
    (120_000, 100_000, 4),
    (40_000, 50_000, 3),
    (20_000, 20_000, 5),
    (1_000, 1_000, 2),
]


def _arrange_scored_portfolio() -> list[Account]:
    """Revenue 40 %, growth 20 %, a manual fit rating 40 %; not scored above 50 % of the weights missing.

    A CRM account with won deals in both years has revenue and growth (40 % missing: scored, its fit filled in);
    one with won deals in 2017 only lacks growth and fit (60 %: not scored). Revenue spans the portfolio's own
    extremes, so the imported accounts do not move the min–max scale the existing ones are scored on.
    """
    CriterionFactory(name="Revenue", axis="value", weight=40, source="last_year_revenue", normalisation="minmax")
    CriterionFactory(
        name="Revenue growth", axis="potential", weight=20, source="revenue_growth",
        normalisation="fixed", fixed_min=-20, fixed_max=20,
    )  # fmt: skip
    fit = CriterionFactory(
        name="Fit", axis="fit", weight=40, source="manual", normalisation="fixed", fixed_min=0, fixed_max=10
    )
    SegmentationSettings.objects.create(
        pk=1, mode="absolute", value=50, potential=50, gold=60, silver=30, key_rule="gold", max_missing_percent=50
    )
    accounts = []
    for before, last, rating in PORTFOLIO:
        account = AccountFactory()
        YearlyFinancialFactory(account=account, year=YEAR - 1, revenue=Decimal(before))
        YearlyFinancialFactory(account=account, year=YEAR, revenue=Decimal(last))
        RatingFactory(account=account, criterion=fit, value=rating)
        accounts.append(account)
    financials_refresh()
    segmentation_execute(run=segmentation_run_request())
    return accounts


def _upload(page, name: str, kind: str | None = None) -> None:
    page.goto("/accounts/import/")
    page.locator("#id_file").set_input_files(str(CRM / name))
    if kind:
        page.get_by_label(kind).check()
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Map the columns of {name}")


def test_crm_export_imported_through_the_wizard_then_segmented_truthfully(page, sign_in, axe, transactional_db):
    portfolio = _arrange_scored_portfolio()
    key_before = {a.name for a in Account.objects.filter(pk__in=[a.pk for a in portfolio], is_key=True)}
    assert 0 < len(key_before) < len(portfolio)  # the check below could fail both ways
    totals_before = dict(Account.objects.filter(pk__in=[a.pk for a in portfolio]).values_list("name", "score"))
    assert None not in totals_before.values()

    deals = pd.read_csv(CRM / "opportunities.csv", dtype=str, keep_default_na=False)
    named = deals[deals.account != ""]
    won = named[named.deal_stage == "Won"]
    won_years = won.groupby("account").close_date.agg(lambda dates: set(dates.str[:4]))
    with_growth = sorted(name for name, years in won_years.items() if {str(YEAR - 1), str(YEAR)} <= years)
    without_growth = sorted(name for name, years in won_years.items() if str(YEAR - 1) not in years)
    assert with_growth and without_growth

    sales_ops = UserFactory(username="e2e-sales-ops", role=Role.ADMINISTRATOR)
    sign_in(sales_ops)

    # 1. The sales team: every column guessed, nothing to fix.
    _upload(page, "sales_teams.csv", kind="Sales team (agents, managers, regions)")
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator("#import-counts")).to_contain_text("14 users to create")
    page.get_by_role("button", name="Apply the import").click()
    expect(page.locator("#import-result")).to_contain_text("14 users created, 0 updated, 0 unchanged")

    # 2. The accounts: the turnover's unit and currency told once, the misspelt country fixed in one click.
    _upload(page, "accounts.csv")
    page.get_by_label("The company turnover column is written in").select_option("M")
    page.get_by_label("Currency of the company turnover (ISO code)").fill("USD")
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator("#import-suggestions")).to_contain_text("Did you mean Philippines for “Philipines” (2 rows)?")
    page.get_by_role("button", name="Accept all suggestions").click()
    expect(page.locator("#import-counts")).to_contain_text("40 accounts to create, 0 to update, 0 unchanged")
    expect(page.locator("#import-counts")).to_contain_text("2 rows skipped: no account name (lines 17, 33).")
    page.get_by_role("button", name="Apply the import").click()
    expect(page.locator("#import-result")).to_contain_text("40 accounts created, 0 updated, 0 unchanged")

    # 3. The opportunities: the guessed stages confirmed as they are, rows without an account skipped.
    _upload(page, "opportunities.csv", kind="Opportunities (deals, won, open or lost)")
    stages = page.locator("#stage-values")
    expect(stages.get_by_label("Won", exact=True)).to_have_value("won")
    expect(stages.get_by_label("Engaging")).to_have_value("open")
    expect(stages.get_by_label("Lost")).to_have_value("lost")
    page.get_by_label("skip these rows (they are counted)").check()
    page.get_by_role("button", name="Preview the import").click()
    summary = page.locator("#import-counts")
    pairs = won.groupby([won.account, won.close_date.str[:4]]).ngroups
    expect(summary).to_contain_text(f"{pairs} yearly revenues to write for {won.account.nunique()} accounts.")
    expect(summary).to_contain_text(f"{len(won)} won deals")
    expect(summary).to_contain_text(f"{(named.deal_stage == 'Lost').sum()} lost deals ignored.")
    expect(summary).to_contain_text(f"{(deals.account == '').sum()} rows skipped: no account.")
    page.get_by_role("button", name="Apply the import").click()
    expect(page.locator("#import-result")).to_contain_text(f"{pairs} yearly revenues written")
    assert Deal.objects.count() == len(named)

    # 4. The segmentation, run now.
    page.goto("/scoring/runs/")
    page.get_by_role("button", name="Run the segmentation now").click()
    page.wait_for_url("**/scoring/runs/*/")
    run = SegmentationRun.objects.latest("pk")
    assert page.url.endswith(run.get_absolute_url())
    expect(page.locator("#run-rules")).to_contain_text(f"Revenue figures of the financial year {YEAR}.")
    not_scored = page.locator("#not-scored")
    expect(page.locator("#not-scored-heading")).to_have_text(
        f"{len(without_growth)} accounts not scored: too little data"
    )
    for name in without_growth:
        row = not_scored.locator("tr", has=page.get_by_role("link", name=name, exact=True))
        expect(row).to_contain_text("Revenue growth, Fit")
    for name in with_growth:
        expect(not_scored.get_by_role("link", name=name, exact=True)).to_have_count(0)
    # Scored on real figures: the revenue the won deals brought, not a filled-in guess.
    scores = AccountScore.objects.filter(run=run).select_related("account")
    scored_imports = {s.account.name: s for s in scores if s.account.name in with_growth}
    assert len(scored_imports) == len(with_growth)
    assert all(s.scored and s.total_score is not None for s in scored_imports.values())
    assert {s.account.name for s in scores if not s.scored} == set(without_growth)
    for name in with_growth:
        revenue = won[(won.account == name) & won.close_date.str.startswith(str(YEAR))].close_value.astype(int).sum()
        assert Account.objects.get(name=name).last_year_revenue == int(revenue)
    # No account that was there before changed key status.
    expect(page.locator("#key-changes")).to_contain_text("No account entered or left key status.")
    assert {a.name for a in Account.objects.filter(pk__in=[a.pk for a in portfolio], is_key=True)} == key_before
    # Their own figures untouched by the import, they are scored exactly as before.
    assert dict(Account.objects.filter(pk__in=[a.pk for a in portfolio]).values_list("name", "score")) == totals_before
    assert serious_violations(axe, page) == []

    # 5. One not-scored import: its page says so and what it lacks; the register lists them all.
    lacking = without_growth[0]
    not_scored.get_by_role("link", name=lacking, exact=True).click()
    expect(page.locator("#not-scored")).to_have_text("Not scored: too little data.")
    expect(page.get_by_text("No data for Revenue growth, Fit.")).to_be_visible()
    page.goto("/accounts/?segment=not_scored")
    register = page.locator("main table")
    for name in without_growth:
        expect(register.get_by_role("link", name=name, exact=True)).to_be_visible()
    for name in [*with_growth, *(a.name for a in portfolio)]:
        expect(register.get_by_role("link", name=name, exact=True)).to_have_count(0)

    # 6. The same exports again: nothing changes.
    revenues = YearlyFinancial.objects.count()
    _upload(page, "accounts.csv")
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator("#import-counts")).to_contain_text("0 accounts to create, 0 to update, 40 unchanged")
    page.get_by_role("button", name="Apply the import").click()
    expect(page.locator("#import-result")).to_contain_text("0 accounts created, 0 updated, 40 unchanged")
    _upload(page, "opportunities.csv", kind="Opportunities (deals, won, open or lost)")
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator("#import-counts")).to_contain_text(
        f"0 yearly revenues to write for 0 accounts; {pairs} unchanged."
    )
    expect(page.locator("#import-counts")).to_contain_text(f"Deals: 0 new, 0 changed, {len(named)} unchanged.")
    page.get_by_role("button", name="Apply the import").click()
    expect(page.locator("#import-result")).to_contain_text("0 yearly revenues written")
    assert (Account.objects.count(), YearlyFinancial.objects.count(), Deal.objects.count()) == (
        len(portfolio) + 40, revenues, len(named),
    )  # fmt: skip
