"""Issue 16's journey: a key account manager imports invoice lines with a product column, opens the account's
whitespace map, marks a cell as held by a competitor with the keyboard only, turns an untouched cell into a plan
objective, and sees the dashboard's whitespace change by the amounts involved."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Page, expect

from accounts.models import Account, FinancialYearSetting, LineRevenue, ProductLine
from accounts.tests.factories import AccountFactory
from e2e.conftest import serious_violations
from growth.models import LinePotential, WhitespaceMark
from kam.roles import Role
from kam.tests.factories import UserFactory
from plans.models import Metric, PlanStatus
from plans.tests.factories import AccountPlanFactory

PLOTLY_LOAD_MS = 30_000
PHONE = {"width": 390, "height": 844}
# Three invoice lines of 2025: "Beverage" is close to the catalogue's Beverages (the import asks), "Olive oils"
# is close to nothing (a new line).
INVOICES = Path(__file__).parent / "data" / "whitespace_invoices.csv"


def _heat(page: Page) -> dict[str, float | None]:
    """The dashboard heat map's one row (a single segment) as {line: potential}, read from the figure's data."""
    figure = json.loads(page.locator("#chart-whitespace").text_content() or "{}")
    trace = figure["data"][0]
    assert trace["y"] == ["High potential"]
    return dict(zip(trace["x"], trace["z"][0], strict=True))


def _open_dashboard(page: Page) -> None:
    page.goto("/dashboard/")
    expect(page.locator('[data-chart-source="chart-whitespace"]')).to_have_attribute(
        "data-rendered", "1", timeout=PLOTLY_LOAD_MS
    )


def _tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus, as a keyboard user would."""
    for _press in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got the focus after {limit} Tab presses")


def test_manager_imports_lines_qualifies_the_map_and_sees_the_dashboard_follow(page, sign_in, axe, transactional_db):
    manager = UserFactory(username="e2e-ws-manager", role=Role.KEY_ACCOUNT_MANAGER)
    FinancialYearSetting.objects.update_or_create(pk=1, defaults={"fixed_year": 2025})
    acme = AccountFactory(name="Acme Foods", reference="ACME-1", owner=manager, segment="high_potential")
    beverages = ProductLine.objects.create(name="Beverages")
    dairy = ProductLine.objects.create(name="Dairy Products")
    seafood = ProductLine.objects.create(name="Seafood")
    for line, amount, reason in [
        (beverages, "20000", "Canteens"),
        (dairy, "50000", "New plant"),
        (seafood, "30000", "Tender in spring"),
    ]:
        LinePotential.objects.create(account=acme, line=line, amount=Decimal(amount), reason=reason)
    plan = AccountPlanFactory(account=acme, title="Acme plan", status=PlanStatus.DRAFT)
    sign_in(manager)

    # Before: three untouched cells with an entered potential, 100,000 in all.
    _open_dashboard(page)
    expect(page.locator('[data-summary="whitespace"]')).to_contain_text("100,000\u00a0EUR of potential")
    assert _heat(page) == {"Dairy Products": 50000, "Seafood": 30000, "Beverages": 20000}

    # The web import: the product column is recognised; the close name waits for the manager's choice.
    page.goto("/accounts/import/")
    assert serious_violations(axe, page) == []
    page.locator("#id_file").set_input_files(str(INVOICES))
    page.get_by_label("Transaction lines").check()
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Map the columns of whitespace_invoices.csv")
    expect(page.get_by_label("product", exact=True)).to_have_value("product_line")
    assert serious_violations(axe, page) == []
    page.get_by_role("button", name="Preview the import").click()
    choices = page.locator("#import-line-choices")
    expect(choices.get_by_role("row", name="Beverage")).to_contain_text("choose")
    expect(page.get_by_text("2 rows have problems")).to_be_visible()
    assert serious_violations(axe, page) == []
    expect(choices.get_by_label("Product line for “Olive oils”")).to_have_value("new")
    choices.get_by_label("Product line for “Beverage”").select_option(label="Beverages (suggested)")
    choices.get_by_role("button", name="Keep these choices").click()
    counts = page.locator("#import-counts")
    expect(counts).to_contain_text("2 revenues by product line to write on 2 lines.")
    expect(counts).to_contain_text("1 product line to create.")
    page.get_by_role("button", name="Apply the import").click()
    expect(page.locator("#import-result")).to_contain_text("1 product line created.")
    assert serious_violations(axe, page) == []
    assert dict(LineRevenue.objects.filter(account=acme, year=2025).values_list("line__name", "revenue")) == {
        "Beverages": Decimal("1500.00"),
        "Olive oils": Decimal("400.00"),
    }

    # The map: the imported revenue makes two cells sold; the others still show their entered potentials.
    page.goto(f"/accounts/{acme.pk}/whitespace/")
    expect(page.locator(f"#cell-{acme.pk}-{beverages.pk}")).to_contain_text("Sold 1,500\u00a0EUR")
    olive = ProductLine.objects.get(name="Olive oils")
    expect(page.locator(f"#cell-{acme.pk}-{olive.pk}")).to_contain_text("Sold 400\u00a0EUR")
    expect(page.locator(f"#cell-{acme.pk}-{seafood.pk}")).to_contain_text("entered: 30,000\u00a0EUR — Tender in spring")
    assert serious_violations(axe, page) == []

    # Keyboard only: Tab to the Seafood cell, open it, choose "Competitor holds it", name Rivalco, submit.
    _tab_to(page, f"#cell-{acme.pk}-{seafood.pk}")
    page.keyboard.press("Enter")
    expect(page.locator("#ws-editor-title")).to_be_focused()
    expect(page.locator("#ws-editor-title")).to_have_text("Acme Foods · Seafood")
    assert serious_violations(axe, page) == []  # the map with the cell's editor open
    _tab_to(page, "#ws-editor input[name='mark-kind']")
    # A radio group takes the focus as one stop; the arrow keys move and select within it.
    while not page.get_by_label("Competitor holds it").is_checked():
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Competitor", exact=True)).to_be_focused()
    page.keyboard.type("Rivalco")
    page.keyboard.press("Enter")
    seafood_cell = page.locator(f"#cell-{acme.pk}-{seafood.pk}")
    expect(seafood_cell).to_contain_text("Competitor holds it Rivalco")
    expect(seafood_cell).to_be_focused()  # the page scrolls back to the cell it came from
    assert WhitespaceMark.objects.get(account=acme, line=seafood).competitor == "Rivalco"
    assert serious_violations(axe, page) == []

    # The untouched Dairy Products cell becomes an objective of the draft plan.
    page.locator(f"#cell-{acme.pk}-{dairy.pk}").click()
    page.get_by_role("link", name="Turn into a plan objective").click()
    expect(page.get_by_label("Objective", exact=True)).to_have_value("Win Dairy Products at Acme Foods")
    page.get_by_label("Baseline", exact=True).fill("0")
    page.get_by_label("Target", exact=True).fill("50000")
    assert serious_violations(axe, page) == []
    page.get_by_role("button", name="Add objective").click()
    expect(page.locator("article", has_text="Win Dairy Products at Acme Foods")).to_contain_text(
        "Product line Dairy Products at Acme Foods"
    )
    assert serious_violations(axe, page) == []
    objective = plan.objectives.get()
    assert (objective.metric, objective.line_id, objective.target) == (Metric.LINE_REVENUE, dairy.pk, Decimal(50000))

    # After: Beverages is sold (−20,000) and Rivalco holds Seafood (−30,000); Dairy Products is still to win.
    _open_dashboard(page)
    expect(page.locator('[data-summary="whitespace"]')).to_contain_text("50,000\u00a0EUR of potential")
    assert _heat(page) == {"Dairy Products": 50000}
    # The targeted cell is still whitespace (not won yet) but now leads to its objective, not to a second one.
    top = page.locator("#top-untouched-section")
    expect(top.get_by_role("row")).to_have_count(2)  # the header and Dairy Products
    dairy_row = top.get_by_role("row", name="Acme Foods")
    expect(dairy_row).to_contain_text("Dairy Products")
    expect(dairy_row).to_contain_text("Objective: Win Dairy Products at Acme Foods")
    expect(dairy_row.get_by_role("link", name="Make it a plan objective")).to_have_count(0)
    assert serious_violations(axe, page) == []
    dairy_row.get_by_role("link", name="Win Dairy Products at Acme Foods").click()
    assert page.url.endswith(f"/plans/{plan.pk}/#objective-{objective.pk}")

    # On a 390 px phone the map scrolls inside its own box; the page itself does not scroll sideways.
    page.set_viewport_size(PHONE)
    page.goto(f"/accounts/{acme.pk}/whitespace/")
    wrap = page.locator(".ws-wrap")
    sizes = wrap.evaluate("(el) => [el.scrollWidth, el.clientWidth, getComputedStyle(el).overflowX]")
    assert sizes[0] > sizes[1] and sizes[2] == "auto", sizes
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    wrap.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
    assert wrap.evaluate("(el) => el.scrollLeft") > 0
    assert page.evaluate("window.scrollX") == 0
    assert serious_violations(axe, page) == []
    assert Account.objects.count() == 1
