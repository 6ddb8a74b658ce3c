"""The dashboard's whitespace blocks: heat map segment × line, top untouched cells, access, queries, PDF."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from accounts.models import Account, FinancialYearSetting, LineRevenue, ProductLine
from accounts.tests.factories import AccountFactory
from growth.dashboard import whitespace_board_read
from growth.models import LinePotential, PeerSettings
from plans.tests.factories import AccountPlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(manager):
    """Food accounts of 20 people, year in use 2025, peers from 2 buyers.

    A, B (loyal core) buy oil and tea; C (high potential, subsidiary of A) buys oil 300; D (high potential) buys
    nothing but has 900 entered on rice. Estimates: oil 200 (A, B, C), tea 400 (A, B). Open cells: C tea 400;
    D oil 200, tea 400, rice 900 → high potential: rice 900, tea 800, oil 200; loyal core has none.
    """
    FinancialYearSetting.objects.update_or_create(pk=1, defaults={"fixed_year": 2025})
    PeerSettings.objects.update_or_create(pk=1, defaults={"min_peers": 2})
    oil, tea, rice = (ProductLine.objects.create(name=name) for name in ("Oil", "Tea", "Rice"))
    a = AccountFactory(name="Alpha", segment="loyal_core", sector="Food", employees=20, owner=manager)
    b = AccountFactory(name="Beta", segment="loyal_core", sector="Food", employees=20)
    c = AccountFactory(name="Gamma", segment="high_potential", sector="Food", employees=20, parent=a)
    d = AccountFactory(name="Delta", segment="high_potential", sector="Food", employees=20, owner=manager)
    AccountFactory(name="Epsilon", segment="", sector="", employees=None)
    for account, line, amount in [(a, oil, 100), (a, tea, 300), (b, oil, 200), (b, tea, 500), (c, oil, 300)]:
        LineRevenue.objects.create(account=account, line=line, year=2025, revenue=Decimal(amount))
    LinePotential.objects.create(account=d, line=rice, amount=Decimal("900"), reason="New plant")
    plans = {"a": AccountPlanFactory(account=a), "d": AccountPlanFactory(account=d)}
    return {"a": a, "c": c, "d": d, "oil": oil, "tea": tea, "rice": rice, "plans": plans}


def _figure(body: str) -> dict:
    found = re.search(r'<script id="chart-whitespace" type="application/json">(.*?)</script>', body, re.S)
    assert found, "no whitespace heat map on the page"
    return json.loads(found.group(1))


def test_heat_map_shows_the_potential_still_to_win_by_segment_and_line(client, manager, portfolio):
    client.force_login(manager)
    body = client.get("/dashboard/").content.decode()
    trace = _figure(body)["data"][0]
    assert trace["type"] == "heatmap"
    assert trace["y"] == ["High potential"] and trace["x"] == ["Rice", "Tea", "Oil"]
    assert trace["z"] == [[900, 800, 200]]
    assert "1,900 EUR of potential on untouched cells" in body.replace("\u00a0", " ")
    assert "financial year 2025" in body


def test_top_untouched_cells_say_where_the_potential_comes_from_and_lead_to_the_map_and_the_plan(
    client, manager, portfolio
):
    client.force_login(manager)
    body = client.get("/dashboard/").content.decode().replace("\u00a0", " ")
    section = body[body.index('id="top-untouched-section"') :]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", section, re.S)
    assert len(rows) == 4
    assert "Delta" in rows[0] and "Rice" in rows[0] and "900 EUR" in rows[0] and "entered: New plant" in rows[0]
    gamma = next(row for row in rows if "Gamma" in row)
    assert "estimated from 2 peers" in gamma and "400 EUR" in gamma
    assert f'href="/accounts/{portfolio["d"].pk}/whitespace/"' in rows[0]
    # Delta's own draft plan; Gamma's line goes into its parent Alpha's plan, at Gamma.
    d_plan, a_plan = portfolio["plans"]["d"].pk, portfolio["plans"]["a"].pk
    assert (
        f'href="/plans/{d_plan}/objectives/new/?line={portfolio["rice"].pk}&amp;at={portfolio["d"].pk}&amp;target=900"'
        in rows[0]
    )
    assert f'href="/plans/{a_plan}/objectives/new/?line={portfolio["tea"].pk}&amp;at={portfolio["c"].pk}' in gamma


def test_a_top_cell_already_turned_into_an_objective_links_to_it_instead_of_offering_another(
    client, manager, portfolio
):
    from plans.models import Metric
    from plans.tests.factories import ObjectiveFactory

    # Gamma's tea, in its parent Alpha's plan; Delta's rice in Delta's own plan (no "at": the plan's account).
    gamma_tea = ObjectiveFactory(plan=portfolio["plans"]["a"], title="Win Tea at Gamma", metric=Metric.LINE_REVENUE,
                                 line=portfolio["tea"], line_account=portfolio["c"])  # fmt: skip
    delta_rice = ObjectiveFactory(plan=portfolio["plans"]["d"], title="Rice at Delta", metric=Metric.LINE_REVENUE,
                                  line=portfolio["rice"])  # fmt: skip
    client.force_login(manager)

    body = client.get("/dashboard/").content.decode()

    section = body[body.index('id="top-untouched-section"') :]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", section, re.S)
    delta = next(row for row in rows if "Delta" in row and "Rice" in row)
    gamma = next(row for row in rows if "Gamma" in row)
    assert f'Objective: <a href="/plans/{delta_rice.plan_id}/#objective-{delta_rice.pk}">Rice at Delta</a>' in delta
    assert f'href="/plans/{gamma_tea.plan_id}/#objective-{gamma_tea.pk}">Win Tea at Gamma</a>' in gamma
    assert "Make it a plan objective" not in delta and "Make it a plan objective" not in gamma
    # Delta's other lines are still offered; the heat map still counts the targeted cells (not won yet).
    assert any("Delta" in row and "Make it a plan objective" in row for row in rows)
    assert _figure(body)["data"][0]["z"] == [[900, 800, 200]]


def test_the_prefill_link_from_the_dashboard_opens_the_objective_on_the_subsidiary(client, manager, portfolio):
    client.force_login(manager)
    url = f"/plans/{portfolio['plans']['a'].pk}/objectives/new/?line={portfolio['tea'].pk}&at={portfolio['c'].pk}"
    assert 'value="Win Tea at Gamma"' in client.get(url).content.decode()


@pytest.mark.parametrize("role", ["contributor", "sponsor", "admin_user"])
def test_every_role_of_the_dashboard_sees_the_blocks_but_only_editors_get_the_objective_link(
    client, request, role, portfolio
):
    client.force_login(request.getfixturevalue(role))
    body = client.get("/dashboard/").content.decode()
    assert "Top untouched cells" in body and "chart-whitespace" in body
    if role == "admin_user":  # administrators edit every plan
        assert "Make it a plan objective" in body
    else:
        assert "Make it a plan objective" not in body and "/whitespace/" in body


def test_outsider_is_refused_the_dashboard_and_its_whitespace(client, outsider, portfolio):
    client.force_login(outsider)
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/pdf/").status_code == 403


def test_the_blocks_follow_the_dashboards_filters(client, manager, portfolio):
    client.force_login(manager)
    body = client.get("/dashboard/?segment=loyal_core").content.decode()
    assert 'id="chart-whitespace"' not in body and "No untouched cell with a known potential." in body
    assert "Delta" not in body[body.index('id="top-untouched-section"') :]


def test_line_names_are_escaped_in_the_figure_and_the_tables(client, manager, portfolio):
    ProductLine.objects.filter(pk=portfolio["rice"].pk).update(name="<b>Rice</b>")
    client.force_login(manager)
    body = client.get("/dashboard/").content.decode()
    assert "<b>Rice</b>" not in body
    assert _figure(body)["data"][0]["x"][0] == "&lt;b&gt;Rice&lt;/b&gt;"


def test_the_blocks_read_a_fixed_number_of_queries_whatever_the_portfolio(
    manager, portfolio, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as small:
        whitespace_board_read(accounts=Account.objects.all(), user=manager)
    oil = portfolio["oil"]
    made = Account.objects.bulk_create(
        [Account(name=f"More {i}", segment="small", sector="Food", employees=20) for i in range(150)]
    )
    LineRevenue.objects.bulk_create(
        [LineRevenue(account=a, line=oil, year=2025, revenue=Decimal(i + 1)) for i, a in enumerate(made[:50])]
    )
    for account in made[50:60]:
        AccountPlanFactory(account=account)
    with django_assert_max_num_queries(len(small.captured_queries)):
        board = whitespace_board_read(accounts=Account.objects.all(), user=manager)
    assert len(board.top) == 10


def test_the_dashboard_pdf_holds_the_heat_map_as_a_table(client, sponsor, portfolio):
    client.force_login(sponsor)
    response = client.get("/dashboard/pdf/")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Whitespace: potential still to win by segment and product line" in text
    assert "High potential" in text and "Top untouched cells" in text and "Delta" in text


def test_the_blocks_are_in_french(client, manager, portfolio):
    manager.language = "fr"
    manager.save()
    client.force_login(manager)
    body = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Cellules vierges les plus prometteuses" in body and "estimé à partir de 2 pairs" in body


def test_the_dashboards_plan_progress_reads_a_line_objective_from_revenue_by_line(client, manager, portfolio):
    from plans.models import Metric, PlanStatus
    from plans.tests.factories import ObjectiveFactory

    plan = portfolio["plans"]["a"]
    plan.status = PlanStatus.ACTIVE
    plan.save()
    ObjectiveFactory(
        plan=plan, metric=Metric.LINE_REVENUE, line=portfolio["tea"], line_account=portfolio["c"],
        baseline=Decimal("0"), target=Decimal("400"),
    )  # fmt: skip
    ObjectiveFactory(plan=plan, metric=Metric.LINE_REVENUE, line=portfolio["rice"], target=Decimal("10"))  # no data
    LineRevenue.objects.create(account=portfolio["c"], line=portfolio["tea"], year=2026, revenue=Decimal("450"))
    client.force_login(manager)
    body = client.get("/dashboard/").content.decode()
    assert "Objectives of the plans in force: 1 on track, 0 at risk, 0 off track" in body
