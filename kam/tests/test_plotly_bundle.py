"""The chart pages' plotly.js: a partial bundle with the trace types the app draws, served compressed."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static
from django.test import RequestFactory, override_settings

BUNDLE = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly" / "plotly.min.js"
# Every plotly.js trace type: a `"type": ...` naming one of these in a charts.py module is a trace.
ALL_TRACES = set(
    [
        "bar",
        "barpolar",
        "box",
        "candlestick",
        "carpet",
        "choropleth",
        "choroplethmap",
        "cone",
        "contour",
        "contourcarpet",
        "densitymap",
        "funnel",
        "funnelarea",
        "heatmap",
        "histogram",
        "histogram2d",
        "histogram2dcontour",
        "icicle",
        "image",
        "indicator",
        "isosurface",
        "mesh3d",
        "ohlc",
        "parcats",
        "parcoords",
        "pie",
        "quiver",
        "sankey",
        "scatter",
        "scatter3d",
        "scattercarpet",
        "scattergeo",
        "scattergl",
        "scattermap",
        "scatterpolar",
        "scatterpolargl",
        "scattersmith",
        "scatterternary",
        "splom",
        "streamtube",
        "sunburst",
        "surface",
        "table",
        "treemap",
        "violin",
        "volume",
        "waterfall",
    ]
)


def _bundled_traces() -> set[str]:
    banner = BUNDLE.read_text(encoding="utf-8")[:400]
    found = re.search(r"partial bundle \(traces: ([a-z0-9, ]+)\)", banner)
    assert found, "the bundle's banner names its traces (built by tools/plotly)"
    return {name.strip() for name in found.group(1).split(",")}


def test_bundle_is_about_a_quarter_of_the_full_plotly():
    assert BUNDLE.stat().st_size < 1_500_000


def test_every_trace_type_the_charts_draw_is_in_the_bundle():
    used = set()
    for module in Path(settings.BASE_DIR).glob("*/charts.py"):
        used |= set(re.findall(r"""["']type["']\s*:\s*["'](\w+)["']""", module.read_text(encoding="utf-8")))
    used &= ALL_TRACES
    assert used, "the charts draw some traces"
    assert used <= _bundled_traces(), f"add {used - _bundled_traces()} to tools/plotly and run `make plotly`"


def test_collectstatic_serves_the_bundle_compressed(tmp_path):
    # Production's storage (settings.py, DEBUG off), on the bundle alone: the whole static tree takes 30 s.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    only_the_bundle = {
        "STATICFILES_DIRS": [("vendor/plotly", BUNDLE.parent)],
        "STATICFILES_FINDERS": ["django.contrib.staticfiles.finders.FileSystemFinder"],
    }
    with override_settings(
        STATIC_ROOT=tmp_path, STORAGES=storages, DEBUG=False, WHITENOISE_AUTOREFRESH=False, **only_the_bundle
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        from whitenoise.middleware import WhiteNoiseMiddleware

        url = static("vendor/plotly/plotly.min.js")
        assert url != "/static/vendor/plotly/plotly.min.js", "hashed name, so it can be cached for ever"
        middleware = WhiteNoiseMiddleware(lambda request: None)
        response = middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip"))
        assert response.status_code == 200
        assert response["Content-Encoding"] in {"gzip", "br"}
        assert int(response["Content-Length"]) < 500_000
        assert "max-age=315360000" in response["Cache-Control"]
        # Not response.close(): that signals a finished request, which opens the database.
        response.file_to_stream.close()
