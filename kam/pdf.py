"""HTML to PDF with WeasyPrint, fetching nothing but our own static files; every PDF of KAM goes through here."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

# Resources are addressed under this made-up origin; the fetcher maps it to the static files on disk.
BASE_URL = "https://kam.invalid/"

# WeasyPrint logs every rendering step at INFO; keep the application log for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def local_url_fetcher_class() -> type:
    # Imported on use: WeasyPrint takes ~0.5 s to import, which other pages must not pay.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):
        """Serves data: URIs and our own static files; refuses every other address (no SSRF, no file read)."""

        def fetch(self, url: str, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            prefix = BASE_URL + settings.STATIC_URL.lstrip("/")
            if url.startswith(prefix):
                relative = url[len(prefix) :].split("?")[0].split("#")[0]
                path = static_path(relative)
                if path is not None:
                    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
            raise ValueError(f"refused to fetch {url[:200]}")

    return LocalOnlyFetcher


def static_path(relative: str) -> Path | None:
    """A file of our static files, never outside them (no `..`, no absolute path)."""
    if not relative or relative.startswith("/") or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if found is None and settings.STATIC_ROOT:
        candidate = Path(settings.STATIC_ROOT) / relative
        found = str(candidate) if candidate.is_file() else None
    return Path(found) if found else None


def html_to_pdf(html: str) -> bytes:
    """The PDF of an HTML page; its {% static %} links resolve against BASE_URL, so they reach only our files."""
    import weasyprint  # on use, as above

    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=local_url_fetcher_class()())
    return document.write_pdf()
