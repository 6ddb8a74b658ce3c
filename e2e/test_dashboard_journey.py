"""An executive sponsor and a key account manager read the dashboard (charts drawn in Chromium) and their worklist."""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.models import Account
from e2e.conftest import serious_violations
from kam.roles import Role
from kam.tests.factories import UserFactory
from portfolio.charts import PROGRESS_COLOURS, QUALITY_COLOURS, SEGMENT_COLOURS
from portfolio.tests.builders import XSS_NAME, portfolio_build
from scoring.models import AccountScore

CHARTS = ["matrix", "pareto", "headroom", "top-headroom", "migrations", "progress", "coverage"]
# The first chart waits for plotly.js (a partial bundle of about 1.2 MB) to be parsed: seconds on a busy 2-core machine.
PLOTLY_LOAD_MS = 30_000
SEGMENTS = ["Loyal core", "High potential", "Large but flat", "Small without potential"]
# Each chart of the dashboard PDF by its title, with what only its drawing puts on the page (portfolio.svg):
# colours (the matrix's points and the headroom bars in their segments' colours, the Pareto curve and its 80 %
# mark, the top accounts' bars, the migrations' empty cells, the on-track and poor-coverage bars) and lines of
# text (axis titles, the top accounts' bar labels).
ALL_SEGMENTS_INK = [SEGMENT_COLOURS[s] for s in ["loyal_core", "high_potential", "large_flat", "small"]]
HEADROOM_INK = [SEGMENT_COLOURS[s] for s in ["loyal_core", "high_potential", "small"]]  # large_flat has none
PDF_CHARTS = {
    "Value × potential matrix": (ALL_SEGMENTS_INK, ["Current value score (0–100)", "Potential score (0–100)"]),
    "Concentration of revenue (Pareto)": (
        ["#0a3a7a", "#c62828"],
        ["Share of accounts, largest first (%)", "Cumulative share of revenue (%)"],
    ),
    "Untapped headroom by segment": (HEADROOM_INK, ["Headroom (EUR)"]),
    "Accounts with the most headroom": (["#0a3a7a"], ["Alpha Industries", "Delta Small"]),
    "Segment migrations of the last run": (["#f4f7fb", "#0a3a7a"], []),
    "Plan objectives on track, at risk, off track": ([PROGRESS_COLOURS["on_track"]], ["Objectives"]),
    "Decision-maker map quality of key accounts": ([QUALITY_COLOURS["red"]], ["Key accounts"]),
}


def _charts_drawn(page: Page) -> None:
    for key in CHARTS:
        chart = page.locator(f'[data-chart-source="chart-{key}"]')
        expect(chart).to_have_attribute("data-rendered", "1", timeout=PLOTLY_LOAD_MS)
        expect(chart.locator("svg.main-svg").first).to_be_attached()
    # Plotly drew the escaped name as text, and no injected element exists.
    assert page.locator("img[src='x']").count() == 0
    expect(page.locator('[data-chart-source="chart-top-headroom"] .ytick text').first).to_be_attached()
    assert XSS_NAME in page.locator('[data-chart-source="chart-top-headroom"]').inner_text()
    # One tick and one bar per account, each at its own height (labels read as numbers once stacked them).
    top = page.locator('[data-chart-source="chart-top-headroom"]')
    ticks = top.locator(".ytick text").evaluate_all("els => els.map(e => Math.round(e.getBoundingClientRect().y))")
    bars = top.locator(".bars .point path").evaluate_all("els => els.map(e => Math.round(e.getBoundingClientRect().y))")
    assert len(ticks) == len(bars) >= 2
    assert len(set(ticks)) == len(ticks) and len(set(bars)) == len(bars)


def _drawn_colours(page) -> set[str]:
    """The colours a PDF page fills or strokes shapes with (its "r g b rg" and "r g b RG" operators), as #rrggbb."""
    content = page.get_contents().get_data().decode("latin-1")
    found = re.findall(r"(?<![\w.])([\d.]+) ([\d.]+) ([\d.]+) (?:rg|RG)\b", content)
    return {"#" + "".join(f"{round(float(c) * 255):02x}" for c in rgb) for rgb in found}


def _screenshot(page: Page, name: str) -> Path:
    path = Path(tempfile.gettempdir()) / f"kam-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 20_000  # a drawn page, not a blank one
    return path


def test_sponsor_reads_the_dashboard_of_their_accounts_and_their_worklist(page, sign_in, axe, transactional_db):
    manager = UserFactory(username="e2e-manager", role=Role.KEY_ACCOUNT_MANAGER)
    sponsor = UserFactory(username="e2e-sponsor", role=Role.EXECUTIVE_SPONSOR)
    portfolio_build(manager=manager, sponsor=sponsor)
    sign_in(sponsor)

    # The worklist: the plan waiting for their approval and what the last run changed.
    decisions = page.locator("#worklist-decisions")
    expect(decisions).to_contain_text("Gamma plan to approve")
    expect(page.locator("#worklist-changes")).to_contain_text("Alpha Industries")
    expect(page.locator("#worklist-changes")).to_contain_text("became a key account")
    assert serious_violations(axe, page) == []

    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Portfolio dashboard")
    _charts_drawn(page)
    expect(page.locator('[data-figure="key_accounts"]')).to_contain_text("2")
    assert serious_violations(axe, page) == []
    _screenshot(page, "dashboard-sponsor")

    page.get_by_label("Only the accounts I sponsor").check()
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"sponsored=true"))
    expect(page.locator('[data-summary="matrix"]')).to_contain_text("2 of 2 accounts")
    expect(page.locator('[data-chart-source="chart-matrix"]')).to_have_attribute("data-rendered", "1")

    # The table fallback lists the same accounts, with links; clicking a matrix point opens its account.
    page.locator("#chart-matrix-section summary").click()
    expect(page.locator("#chart-matrix-section table")).to_contain_text("Gamma Foods")
    point = page.locator('[data-chart-source="chart-matrix"] .scatterlayer .point').first
    point.click(force=True)
    page.wait_for_url("**/accounts/*/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_manager_sees_what_is_due_and_the_portfolio(page, sign_in, axe, transactional_db):
    manager = UserFactory(username="e2e-kam", role=Role.KEY_ACCOUNT_MANAGER)
    sponsor = UserFactory(username="e2e-sponsor-2", role=Role.EXECUTIVE_SPONSOR)
    portfolio_build(manager=manager, sponsor=sponsor)
    sign_in(manager)

    # What is due, under urgency headings: the overdue action first, checkpoints and reviews beside it.
    overdue = page.locator("#worklist-overdue")
    expect(overdue).to_contain_text("Invite the CFO to the plant")
    expect(overdue).to_contain_text("overdue since")
    due = page.locator("#worklist-due")
    expect(due).to_contain_text("Grow revenue")
    expect(due).to_contain_text("Annual strategic review")
    assert serious_violations(axe, page) == []
    _screenshot(page, "worklist-manager")

    page.get_by_role("link", name="Dashboard", exact=True).click()
    _charts_drawn(page)
    expect(page.get_by_label("Only the accounts I sponsor")).to_have_count(0)
    page.get_by_label("Segment", exact=True).select_option("loyal_core")
    page.locator("main button[type=submit]").click()
    expect(page.locator('[data-figure="key_with_plan_share"]')).to_have_text("100.0 %")
    assert serious_violations(axe, page) == []
    _screenshot(page, "dashboard-manager")


def test_the_dashboard_pdf_has_its_charts_on_a4_under_the_organisations_name(page, sign_in, settings, transactional_db):
    settings.KAM_ORGANISATION_NAME = "Cycles Martin"
    manager = UserFactory(username="e2e-pdf", role=Role.KEY_ACCOUNT_MANAGER)
    portfolio_build(manager=manager, sponsor=UserFactory(username="e2e-pdf-sponsor", role=Role.EXECUTIVE_SPONSOR))
    sign_in(manager)
    page.goto("/dashboard/")

    # The first PDF of the process imports WeasyPrint and loads its fonts: seconds on a busy 2-core machine.
    with page.expect_download(timeout=PLOTLY_LOAD_MS) as download:
        page.get_by_role("link", name="Export to PDF").click(timeout=PLOTLY_LOAD_MS)
    assert download.value.suggested_filename.startswith("kam-dashboard-")
    pages = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes())).pages
    assert len(pages) >= 2
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages} == {(595, 842)}  # A4
    texts = [p.extract_text() for p in pages]
    # The first page is full: who it is from, the headline figures and the first chart, drawn (its axis title).
    assert "Cycles Martin" in texts[0] and "Headline figures" in texts[0] and "Key accounts" in texts[0]
    assert "Value × potential matrix" in texts[0] and "Current value score (0–100)" in texts[0]
    # Every chart is drawn, as vector shapes and text, on the page that carries its title.
    for title, (colours, lines) in PDF_CHARTS.items():
        where = [i for i, text in enumerate(texts) if title in text]
        assert where, title
        missing = [c for c in colours if c not in _drawn_colours(pages[where[0]])]
        missing += [line for line in lines if line not in texts[where[0]].splitlines()]
        assert missing == [], (title, missing)


def test_segment_charts_show_every_segment_when_all_accounts_are_in_one(page, sign_in, transactional_db):
    manager = UserFactory(username="e2e-one-segment", role=Role.KEY_ACCOUNT_MANAGER)
    portfolio_build(manager=manager, sponsor=UserFactory(username="e2e-one-sponsor", role=Role.EXECUTIVE_SPONSOR))
    Account.objects.update(segment="loyal_core")
    AccountScore.objects.update(segment="loyal_core")
    sign_in(manager)
    page.goto("/dashboard/")

    # Each chart by segment keeps a place for every segment (the empty ones at zero), not one lone bar.
    for key in ["headroom", "progress", "coverage"]:
        chart = page.locator(f'[data-chart-source="chart-{key}"]')
        expect(chart).to_have_attribute("data-rendered", "1", timeout=PLOTLY_LOAD_MS)
        expect(chart.locator(".xtick text")).to_have_text(SEGMENTS)
    expect(page.locator('[data-summary="coverage"]')).to_contain_text("All of them are in one segment: Loyal core.")
