"""The dashboard PDF: charts drawn on the server as SVG, laid out on A4, headers above their figures."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from pypdf import PdfReader

from portfolio import charts
from portfolio.svg import chart_svg
from portfolio.tests.builders import XSS_NAME, portfolio_build

pytestmark = pytest.mark.django_db


def _sections(html: str) -> dict[str, str]:
    return dict(re.findall(r'<section class="chart-section" data-chart="([\w-]+)">(.*?)</section>', html, re.S))


def test_the_pdfs_html_draws_every_chart_with_data_as_svg_and_escapes_names(client, manager, sponsor):
    from portfolio.pdf import dashboard_pdf_html
    from portfolio.views import _dashboard_context

    portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(sponsor)
    request = client.get("/dashboard/").wsgi_request
    html = dashboard_pdf_html(context=_dashboard_context(request), language="en")
    sections = _sections(html)
    for key in ["matrix", "pareto", "headroom", "top-headroom", "migrations", "progress", "coverage"]:
        assert "<svg" in sections[key] and "</svg>" in sections[key], key
    assert "<script" not in html and "<img src=x" not in html and "&lt;img src=x" in sections["top-headroom"]
    # Numeric columns: the header is right-aligned like its figures.
    assert '<th class="num">Headroom</th>' in sections["top-headroom"]


def test_the_pdf_has_the_charts_labels_as_text_on_a4_pages(client, manager, sponsor):
    portfolio_build(manager=manager, sponsor=sponsor)
    client.force_login(sponsor)
    response = client.get("/dashboard/pdf/")
    reader = PdfReader(io.BytesIO(response.content))
    first = reader.pages[0]
    assert round(float(first.mediabox.width)) == 595 and round(float(first.mediabox.height)) == 842  # A4 portrait
    texts = [page.extract_text() for page in reader.pages]
    # The first page is not near-empty: the headline and the first chart start there.
    assert "Headline figures" in texts[0] and "Value × potential matrix" in texts[0]
    text = "\n".join(texts)
    assert "Alpha Industries" in text and "Loyal core" in text
    drawn = sum(1 for page in reader.pages if "/XObject" in str(page.get("/Resources", {})) or page.get_contents())
    assert drawn == len(reader.pages) >= 2


def test_top_headroom_svg_puts_each_account_on_its_own_row():
    top = pd.DataFrame(
        {"name": ["Same", "Same", "12", XSS_NAME], "segment": ["small"] * 4, "headroom": [400.0, 300, 200, 100]},
        index=[7, 8, 12, 3],
    )
    svg = str(chart_svg(charts.top_headroom_chart(top, currency="EUR").figure))
    rows = re.findall(r'<text x="224" y="([\d.]+)" text-anchor="end">([^<]*)</text>', svg)
    assert [label for _, label in rows][:3] == ["Same (#7)", "Same (#8)", "12"]
    assert rows[3][1].startswith("&lt;b&gt;x&lt;/b&gt;&lt;img src=x") and rows[3][1].endswith("…")  # long: shortened
    assert len({y for y, _ in rows}) == 4  # distinct heights
    bars = re.findall(r'<rect x="230" y="([\d.]+)" width="([\d.]+)"', svg)
    assert len({y for y, _ in bars}) == 4 and float(bars[0][1]) > float(bars[-1][1])  # largest first


def test_segment_svg_shows_every_segment_even_when_one_holds_all():
    table = pd.DataFrame({"red": [2], "amber": [1], "green": [0]}, index=["loyal_core"])
    svg = str(chart_svg(charts.map_quality_chart(table).figure))
    for label in ["Loyal core", "High potential", "Large but flat", "Small without potential"]:
        assert f">{label}</text>" in svg, label


def test_no_figure_draws_nothing():
    assert chart_svg(None) == ""
