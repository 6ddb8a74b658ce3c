"""The plan as a PDF for the customer or a board, rendered by WeasyPrint without any remote fetching."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.maps import map_roots
from plans.charts import kpi_chart_svg
from plans.models import AccountPlan
from plans.services import objective_rows, plan_with_content

# Resources are addressed under this made-up origin; the fetcher maps it to the static files on disk.
BASE_URL = "https://kam.invalid/"
# Plans with more rows than this are rendered in a Celery task (about 2 s of layout at this size).
SYNC_ROW_LIMIT = 250

# WeasyPrint logs every rendering step at INFO; keep the application log for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _weasyprint():
    # Imported on use: WeasyPrint takes ~0.5 s to import, which other pages must not pay.
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    return weasyprint, URLFetcher, URLFetcherResponse


def local_url_fetcher_class():
    _wp, URLFetcher, URLFetcherResponse = _weasyprint()

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


def plan_row_count(plan: AccountPlan) -> int:
    from plans.models import Action, Checkpoint

    return (
        plan.objectives.count()
        + Checkpoint.objects.filter(objective__plan=plan).count()
        + Action.objects.filter(plan=plan).count()
    )


def _map_context(plan: AccountPlan) -> dict:
    """The account's decision-maker map, as on /accounts/<pk>/map/ (people who left included, marked)."""
    return {"map_roots": map_roots(account=plan.account)}


def plan_pdf_html(*, plan: AccountPlan, language: str) -> str:
    from plans.views.plan import plan_sections

    plan = plan_with_content(AccountPlan.objects.filter(pk=plan.pk)).get()
    with translation.override(language):
        rows = objective_rows(plan.objectives.all())
        services = list(plan.unbilled_services.all())
        actions = list(plan.actions.all())
        context = {
            "plan": plan,
            "sections": plan_sections(lambda field: getattr(plan, field)),
            "objective_rows": rows,
            "chart": kpi_chart_svg(rows) if rows else "",
            "actions": actions,
            "resources": plan.resources.all(),
            "services": services,
            "services_total": sum(s.estimated_value for s in services),
            "version": plan.versions.order_by("-number").first(),
            "generated_at": timezone.localtime(),
            "currency": settings.KAM_CURRENCY,
            "language": language,
            **_map_context(plan),
        }
        return render_to_string("plans/plan_pdf.html", context)


def plan_pdf_render(*, plan: AccountPlan, language: str) -> bytes:
    weasyprint, _fetcher, _response = _weasyprint()
    html = plan_pdf_html(plan=plan, language=language)
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=local_url_fetcher_class()())
    return document.write_pdf()
