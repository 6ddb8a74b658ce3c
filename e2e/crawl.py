"""A bounded crawl of the pages a signed-in user reaches by links, measured at a phone's width.

Used by the phone-width journey and runnable by hand against a dev server
(`python -m e2e.crawl http://127.0.0.1:8000 manager kam-demo`) to list the pages that overflow.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from playwright.sync_api import Page

PHONE_WIDTH = 390
MAX_PATTERNS = 60

# Links that leave the page's world: signing out, Django's admin, files and the language switch.
SKIPPED = re.compile(
    r"^/(logout|admin|static|media|api)/|\.(pdf|csv|xlsx|png|svg|json)$|/(pdf|export|download)[^/]*/?$|/print/?$"
)
_ID = re.compile(r"/\d+(?=/|$)")
_TOKEN = re.compile(r"/[A-Za-z0-9_-]{20,}(?=/|$)")

# The elements whose right edge passes the viewport, deepest first: what to fix when a page overflows.
OVERFLOWING_JS = (Path(__file__).parent / "overflowing.js").read_text()


def url_pattern(path: str) -> str:
    """The page a path is an instance of: ids and tokens collapsed, the query ignored."""
    return _TOKEN.sub("/<token>", _ID.sub("/<id>", path))


@dataclass
class PageReport:
    url: str
    scroll_width: int
    overflowing: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)


def crawl(
    page: Page,
    base_url: str,
    *,
    start: str = "/",
    max_patterns: int = MAX_PATTERNS,
    check: Callable[[Page], list[str]] | None = None,
) -> Iterator[PageReport]:
    """Visit each new URL pattern reached by links from `start` (breadth first), one page per pattern."""
    origin = urlsplit(base_url).netloc
    queue = [start]
    seen: set[str] = set()
    while queue and len(seen) < max_patterns:
        path = queue.pop(0)
        pattern = url_pattern(urlsplit(path).path)
        if pattern in seen:
            continue
        seen.add(pattern)
        response = page.goto(path)
        if response is None or response.status >= 400 or urlsplit(page.url).netloc != origin:
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        report = PageReport(url=path, scroll_width=width)
        if width > PHONE_WIDTH:
            report.overflowing = page.evaluate(OVERFLOWING_JS, PHONE_WIDTH)
        if check is not None:
            report.violations = check(page)
        yield report
        for href in page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)"):
            url, _fragment = urldefrag(href)
            parts = urlsplit(url)
            if parts.netloc != origin or parts.scheme not in {"http", "https"}:
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if SKIPPED.search(parts.path) or url_pattern(parts.path) in seen:
                continue
            queue.append(local)


def _main(argv: list[str]) -> None:  # pragma: no cover - a tool for people
    from django_otp.oath import totp
    from playwright.sync_api import sync_playwright

    base_url, username, password = argv[:3]
    secret = argv[3] if len(argv) > 3 else ""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        context = browser.new_context(
            base_url=base_url,
            viewport={"width": PHONE_WIDTH, "height": 844},
            locale=os.environ.get("CRAWL_LOCALE", "en-GB"),
        )
        page = context.new_page()
        page.goto("/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.locator("main button[type=submit]").click()
        if secret:
            import base64

            page.wait_for_url("**/login/verify/**")
            page.locator("main input[type=text], main input[inputmode]").first.fill(
                f"{totp(base64.b32decode(secret)):06d}"
            )
            page.locator("main button[type=submit]").first.click()
        page.wait_for_url("**/")
        for report in crawl(page, base_url):
            flag = "TOO WIDE" if report.scroll_width > PHONE_WIDTH else "ok"
            print(f"{report.scroll_width:5d} {flag:8s} {report.url}")
            for line in report.overflowing:
                print(f"        {line}")
        browser.close()


if __name__ == "__main__":  # pragma: no cover
    _main(sys.argv[1:])
