"""The dashboard as a PDF: headline figures and each chart's table (WeasyPrint, fetching only our static files)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from kam.pdf import html_to_pdf


def dashboard_pdf_render(*, context: dict, language: str) -> bytes:
    with translation.override(language):
        html = render_to_string(
            "portfolio/dashboard_pdf.html", {**context, "generated_at": timezone.localtime(), "language": language}
        )
    return html_to_pdf(html)
