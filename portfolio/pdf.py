"""The dashboard as a PDF: headline figures and each chart's table (WeasyPrint, fetching only our static files)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from plans.pdf import BASE_URL, _weasyprint, local_url_fetcher_class


def dashboard_pdf_render(*, context: dict, language: str) -> bytes:
    weasyprint, _fetcher, _response = _weasyprint()
    with translation.override(language):
        html = render_to_string(
            "portfolio/dashboard_pdf.html", {**context, "generated_at": timezone.localtime(), "language": language}
        )
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=local_url_fetcher_class()())
    return document.write_pdf()
