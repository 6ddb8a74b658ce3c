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
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

PHONE_WIDTH = 390
DESKTOP_WIDTH = 1366
# The administrator reaches about 70 URL patterns. The bound only stops a crawl that would never end;
# reaching it is a failure (Crawl.cut_off), so a new page cannot go unchecked without anyone noticing.
MAX_PATTERNS = 150
# How long a page may take to finish its lazy work (htmx cards, charts) before the crawl says so.
SETTLE_TIMEOUT_MS = 15_000

# Links not followed, each for a reason: signing out would end the crawl's session, Django's admin is
# Django's own pages, static and media are files the pages use, /api/ answers programs, not people.
NOT_FOLLOWED = re.compile(r"^/(logout|admin|static|media|api)/")
# Files (PDF, CSV, XLSX, JSON, images): fetched, and they must answer 200, but not measured nor run through axe.
DOWNLOAD = re.compile(r"\.(pdf|csv|xlsx|png|svg|json)$|/(pdf|export|download)[^/]*/?$")
_ID = re.compile(r"/\d+(?=/|$)")
_TOKEN = re.compile(r"/[A-Za-z0-9_-]{20,}(?=/|$)")

# The elements whose right edge passes the viewport, deepest first: what to fix when a page overflows.
OVERFLOWING_JS = (Path(__file__).parent / "overflowing.js").read_text()
# A page is measured once its lazy work is done: no htmx request in flight, no region still busy (the
# account page's cards), every chart drawn. Measured before, a card arriving late could overflow unseen.
SETTLED_JS = """() => !document.querySelector('.htmx-request, [aria-busy="true"]')
  && [...document.querySelectorAll('[data-chart-source]')].every((el) => el.dataset.rendered === '1')"""
UNSETTLED_JS = """() => [
  ...[...document.querySelectorAll('.htmx-request, [aria-busy="true"]')].map((el) => `busy ${el.id || el.tagName}`),
  ...[...document.querySelectorAll('[data-chart-source]')].filter((el) => el.dataset.rendered !== '1')
    .map((el) => `chart ${el.dataset.chartSource} not drawn`),
]"""


def url_pattern(path: str) -> str:
    """The page a path is an instance of: ids and tokens collapsed, the query ignored."""
    return _TOKEN.sub("/<token>", _ID.sub("/<id>", path))


class _Links(HTMLParser):
    """The links of a page as the server sent it, before scripts replace any (the account page's cards)."""

    def __init__(self) -> None:
        super().__init__()
        self.pages: list[str] = []
        self.downloads: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        href = attributes.get("href")
        if tag == "a" and href:
            (self.downloads if "download" in attributes else self.pages).append(href)


@dataclass
class PageReport:
    url: str
    status: int
    download: bool = False
    scroll_width: int = 0
    overflowing: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    # Requests the page made that failed (an htmx card answering 500), and work never finished.
    errors: list[str] = field(default_factory=list)
    desktop_width: int = 0
    desktop_violations: list[str] = field(default_factory=list)


class Crawl:
    """Visits each new URL pattern reached by links from `start` (breadth first), one page per pattern.

    Pages are measured at the page's viewport (a phone) once settled, and checked with `check` (axe);
    with `desktop`, each is also checked again at DESKTOP_WIDTH. Iterate to get one PageReport per
    pattern; afterwards `cut_off` lists the patterns left unvisited if the bound stopped the crawl.
    """

    def __init__(
        self,
        page: Page,
        base_url: str,
        *,
        start: str = "/",
        max_patterns: int = MAX_PATTERNS,
        check: Callable[[Page], list[str]] | None = None,
        desktop: bool = False,
    ) -> None:
        self.page = page
        self.base_url = base_url
        self.origin = urlsplit(base_url).netloc
        self.start = start
        self.max_patterns = max_patterns
        self.check = check
        self.desktop = desktop
        self.visited: list[str] = []
        self.cut_off: list[str] = []

    def __iter__(self) -> Iterator[PageReport]:
        queue: list[tuple[str, bool]] = [(self.start, False)]
        seen: set[str] = set()
        while queue:
            path, download = queue.pop(0)
            pattern = url_pattern(urlsplit(path).path)
            if pattern in seen:
                continue
            if len(seen) >= self.max_patterns:
                self.cut_off = sorted({url_pattern(urlsplit(p).path) for p, _ in queue} - seen)
                return
            seen.add(pattern)
            self.visited.append(pattern)
            report, links = self._visit(path, download=download or bool(DOWNLOAD.search(urlsplit(path).path)))
            if report is None:
                continue
            yield report
            for href, is_download in links:
                local = self._local(href)
                if local is not None and url_pattern(urlsplit(local).path) not in seen:
                    queue.append((local, is_download))

    def _local(self, href: str) -> str | None:
        url, _fragment = urldefrag(urljoin(self.page.url, href))
        parts = urlsplit(url)
        if parts.netloc != self.origin or parts.scheme not in {"http", "https"} or NOT_FOLLOWED.search(parts.path):
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def _visit(self, path: str, *, download: bool) -> tuple[PageReport | None, list[tuple[str, bool]]]:
        if download:
            answer = self.page.request.get(urljoin(self.base_url, path))
            disposition = answer.headers.get("content-disposition", "")
            if (
                answer.status >= 400
                or "attachment" in disposition
                or "text/html" not in answer.headers.get("content-type", "")
            ):
                return PageReport(url=path, status=answer.status, download=True), []
            # A "download" link that answers a page (a form choosing the version, say) is a page like any other.
        failed: list[str] = []

        def failure(response: Response) -> None:
            # The page's own answer is its report's status; this is for what the page fetched afterwards.
            if response.request.is_navigation_request():
                return
            if response.status >= 400 and urlsplit(response.url).netloc == self.origin:
                failed.append(f"{response.request.method} {urlsplit(response.url).path} answered {response.status}")

        self.page.on("response", failure)
        try:
            try:
                response = self.page.goto(path)
            except PlaywrightError as error:
                if "Download is starting" not in error.message:
                    raise
                return self._visit(path, download=True)
            if response is None or urlsplit(self.page.url).netloc != self.origin:
                return None, []
            report = PageReport(url=path, status=response.status)
            content_type = response.headers.get("content-type") or ""
            if response.status >= 400 or "text/html" not in content_type:
                report.download = "text/html" not in content_type
                return report, []
            links = _Links()
            links.feed(response.text())
            self._settle(report)
            report.scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
            if report.scroll_width > PHONE_WIDTH:
                report.overflowing = self.page.evaluate(OVERFLOWING_JS, PHONE_WIDTH)
            if self.check is not None:
                report.violations = self.check(self.page)
            if self.desktop:
                self._check_desktop(report)
            links.pages += self.page.eval_on_selector_all(
                "a[href]:not([download])", "links => links.map(a => a.getAttribute('href'))"
            )
            links.downloads += self.page.eval_on_selector_all(
                "a[href][download]", "links => links.map(a => a.getAttribute('href'))"
            )
        finally:
            self.page.remove_listener("response", failure)
        report.errors = failed + report.errors
        return report, [(href, False) for href in links.pages] + [(href, True) for href in links.downloads]

    def _settle(self, report: PageReport) -> None:
        self.page.wait_for_load_state("load")
        try:
            self.page.wait_for_function(SETTLED_JS, timeout=SETTLE_TIMEOUT_MS)
        except PlaywrightTimeoutError:
            report.errors.append(f"still loading after {SETTLE_TIMEOUT_MS} ms: {self.page.evaluate(UNSETTLED_JS)}")

    def _check_desktop(self, report: PageReport) -> None:
        viewport = self.page.viewport_size or {"width": PHONE_WIDTH, "height": 844}
        self.page.set_viewport_size({"width": DESKTOP_WIDTH, "height": 900})
        try:
            report.desktop_width = self.page.evaluate("document.documentElement.scrollWidth")
            if self.check is not None:
                report.desktop_violations = self.check(self.page)
        finally:
            self.page.set_viewport_size(viewport)


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
        walk = Crawl(page, base_url)
        for report in walk:
            if report.download or report.status >= 400:
                print(f"{report.status:5d} {'download' if report.download else 'ERROR':8s} {report.url}")
                continue
            flag = "TOO WIDE" if report.scroll_width > PHONE_WIDTH else "ok"
            print(f"{report.scroll_width:5d} {flag:8s} {report.url}")
            for line in report.overflowing + report.errors:
                print(f"        {line}")
        if walk.cut_off:
            print(f"stopped at {walk.max_patterns} patterns; not visited: {walk.cut_off}")
        browser.close()


if __name__ == "__main__":  # pragma: no cover
    _main(sys.argv[1:])
