"""The dashboard as a PDF: headline figures, each chart drawn as SVG on the server, and its table (WeasyPrint)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from kam.pdf import html_to_pdf
from portfolio.svg import chart_svg


def dashboard_pdf_html(*, context: dict, language: str) -> str:
    with translation.override(language):
        board = context["board"]
        drawn = [(chart, chart_svg(chart.figure)) for chart in board.charts]
        return render_to_string(
            "portfolio/dashboard_pdf.html",
            {**context, "drawn": drawn, "generated_at": timezone.localtime(), "language": language},
        )


def dashboard_pdf_render(*, context: dict, language: str) -> bytes:
    return html_to_pdf(dashboard_pdf_html(context=context, language=language))
