"""The dashboard page, its filters, access, escaping, bounded queries and PDF."""

from __future__ import annotations

import json
import re

import pytest

from portfolio.tests.builders import XSS_NAME, portfolio_build

pytestmark = pytest.mark.django_db


def _figures(body: str) -> dict[str, dict]:
    """The figure JSON of each chart, as json_script emitted it."""
    found = re.findall(r'<script id="chart-([\w-]+)" type="application/json">(.*?)</script>', body, re.S)
    return {key: json.loads(data) for key, data in found}


@pytest.mark.parametrize("role", ["admin_user", "manager", "sponsor", "contributor"])
def test_every_role_sees_the_dashboard_with_headline_and_charts(client, request, role, manager, sponsor):
    portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(request.getfixturevalue(role))
    response = client.get("/dashboard/")
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'data-figure="key_accounts">2 <span[^>]*>/ 4', body)
    assert 'data-figure="key_revenue_share">80.0 %' in body  # (600 + 200) / 1000
    assert set(_figures(body)) >= {"matrix", "pareto", "headroom", "top-headroom", "migrations", "progress", "coverage"}
    assert "Value × potential matrix" in body and "Show the figures as a table" in body


def test_growth_headline_shows_key_accounts_first_and_labels_the_portfolio(client, manager, sponsor):
    portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(manager)
    body = client.get("/dashboard/").content.decode()
    # Key accounts 800 / 750 - 1 = +6.7 %; the whole portfolio 1000 / 940 - 1 = +6.4 %.
    assert re.search(r'data-figure="key_revenue_growth">\+6\.7 % <span[^>]*>portfolio: \+6\.4 %</span>', body)


def test_dashboard_filters_offer_all_rather_than_dashes(client, manager, sponsor):
    portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(manager)
    body = client.get("/dashboard/").content.decode()
    assert "---------" not in body
    for label in ("All managers", "All sectors", "All countries", "All segments"):
        assert f'<option value="" selected>{label}</option>' in body


def test_outsider_gets_403(client, outsider, manager, sponsor):
    portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(outsider)
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/pdf/").status_code == 403


def test_anonymous_visitor_is_sent_to_login(client):
    assert client.get("/dashboard/").status_code == 302


def test_sponsor_narrows_to_the_accounts_they_sponsor(client, sponsor, manager):
    portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(sponsor)
    body = client.get("/dashboard/?sponsored=true").content.decode()
    assert re.search(r'data-figure="key_accounts">1 <span[^>]*>/ 2', body)  # Alpha (key) and Gamma
    matrix = _figures(body)["matrix"]
    names = {name for trace in matrix["data"] for name in trace["hovertext"]}
    assert names == {"Alpha Industries", "Gamma Foods"}


def test_only_sponsors_are_offered_the_sponsored_filter(client, manager, sponsor):
    portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(manager)
    assert 'name="sponsored"' not in client.get("/dashboard/").content.decode()
    client.force_login(sponsor)
    assert 'name="sponsored"' in client.get("/dashboard/").content.decode()


def test_filters_by_sector_and_segment(client, manager, sponsor):
    portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(manager)
    body = client.get("/dashboard/?sector=Food").content.decode()
    assert re.search(r'data-figure="key_accounts">0 <span[^>]*>/ 1', body)
    body = client.get("/dashboard/?segment=loyal_core").content.decode()
    assert re.search(r'data-figure="key_accounts">1 <span[^>]*>/ 1', body)
    assert 'data-figure="key_with_plan_share">100.0 %' in body


def test_matrix_points_link_to_their_account_and_names_are_escaped(client, manager, sponsor):
    built = portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(manager)
    body = client.get("/dashboard/").content.decode()
    matrix = _figures(body)["matrix"]
    ids = {pk for trace in matrix["data"] for pk in trace["customdata"]}
    assert ids == {account.pk for account in built["accounts"]}
    assert 'data-point-url="/accounts/__id__/"' in body
    hover = {name for trace in matrix["data"] for name in trace["hovertext"]}
    assert "&lt;b&gt;x&lt;/b&gt;&lt;img src=x onerror=alert(1)&gt;" in hover
    assert XSS_NAME not in json.dumps(_figures(body))  # never raw in any figure
    assert "<img src=x" not in body  # nor in the tables
    top = _figures(body)["top-headroom"]
    assert "&lt;b&gt;x&lt;/b&gt;&lt;img src=x onerror=alert(1)&gt;" in top["data"][0]["y"]
    # One bar per account, even when two accounts share a name.
    assert len(set(top["data"][0]["y"])) == len(top["data"][0]["y"])


def test_pareto_marks_the_80_percent_point_and_migrations_count_moves(client, manager, sponsor):
    portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(manager)
    body = client.get("/dashboard/").content.decode()
    marker = _figures(body)["pareto"]["data"][1]
    assert marker["x"] == [50.0] and marker["y"] == [80]
    assert "50.0 % of the accounts make 80 % of revenue" in body
    assert "2 accounts changed segment; 1 became key accounts and 1 left key status" in body
    # Plan progress: the Q1 actual (125 >= 120) puts the objective on track.
    assert "Objectives of the plans in force: 1 on track, 0 at risk, 0 off track" in body


def test_dashboard_queries_do_not_grow_with_the_portfolio(client, manager, sponsor, django_assert_max_num_queries):
    portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(sponsor)
    # Computed afresh (a test's writes are not committed, so nothing is cached): session and user, filters,
    # the frames once each, the cards; no product line here, so the whitespace frames are not read.
    with django_assert_max_num_queries(31) as small:
        client.get("/dashboard/?sponsored=true")
    from accounts.models import Account

    Account.objects.bulk_create([Account(name=f"More {i}", last_year_revenue=i, is_key=i % 3 == 0) for i in range(200)])
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/dashboard/?sponsored=true")


def test_pdf_holds_headline_and_tables(client, manager, sponsor):
    portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(sponsor)
    response = client.get("/dashboard/pdf/?sponsored=true")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    import io

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Portfolio dashboard" in text and "Alpha Industries" in text
    assert "Gamma Foods" in text and "Delta Small" not in text


def test_pdf_tables_stop_at_25_rows_and_say_how_many_more():
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    rows = [[SimpleNamespace(text=f"Account {n:02d}", numeric=False)] for n in range(30)]
    chart = SimpleNamespace(title="Matrix", summary="", header_cells=[("Account", False)], rows=rows)
    context = {"board": SimpleNamespace(charts=[chart], headline={}), "drawn": [(chart, "")]}
    html = render_to_string("portfolio/dashboard_pdf.html", context)
    assert "Account 24" in html and "Account 25" not in html
    assert "And 5 more rows, on the dashboard." in html
