"""The KPI chart of the plan PDF: a small SVG drawn on the server (no plotly image export, no script)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from plans.progress import AT_RISK, OFF_TRACK, ON_TRACK

COLOURS = {ON_TRACK: "#2e7d32", AT_RISK: "#ef6c00", OFF_TRACK: "#c62828"}
ROW = 22
LABEL_WIDTH = 230
BAR_WIDTH = 380


def kpi_chart_svg(rows: list[dict]) -> SafeString:
    """One bar per objective: the share of the way from baseline to target its latest actual covers."""
    height = ROW * len(rows) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{LABEL_WIDTH + BAR_WIDTH + 60}" height="{height}" '
        f'role="img" aria-label="{escape(gettext("Progress of each objective toward its target"))}">',
        f'<line x1="{LABEL_WIDTH}" y1="0" x2="{LABEL_WIDTH}" y2="{height - 20}" stroke="#555"/>',
        f'<line x1="{LABEL_WIDTH + BAR_WIDTH}" y1="0" x2="{LABEL_WIDTH + BAR_WIDTH}" y2="{height - 20}" '
        'stroke="#999" stroke-dasharray="3,3"/>',
        f'<text x="{LABEL_WIDTH + BAR_WIDTH}" y="{height - 6}" font-size="9" text-anchor="middle">100 %</text>',
        f'<text x="{LABEL_WIDTH}" y="{height - 6}" font-size="9" text-anchor="middle">0 %</text>',
    ]
    for index, row in enumerate(rows):
        y = index * ROW + 4
        title = row["objective"].title
        label = title if len(title) <= 38 else title[:37] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 12}" font-size="10" text-anchor="end">{escape(label)}</text>'
        )
        progress = row["progress"]
        if progress.completion is None:
            missing = escape(progress.label)
            parts.append(f'<text x="{LABEL_WIDTH + 6}" y="{y + 12}" font-size="9" fill="#666">{missing}</text>')
            continue
        share = max(0.0, min(float(progress.completion), 1.2))
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{share * BAR_WIDTH:.1f}" height="{ROW - 8}" '
            f'fill="{COLOURS[progress.status]}"/>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + share * BAR_WIDTH + 4:.1f}" y="{y + 11}" font-size="9">'
            f"{progress.percent} %</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of user text above goes through escape()
