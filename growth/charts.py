"""Growth's charts as plotly figure dicts (drawn by static/js/charts.js, tables beside them for every reader).

Plotly renders text as HTML-like markup, so every name put in a figure (lines are typed by users) is escaped.
"""

from __future__ import annotations

import math

import pandas as pd
from django.utils.html import escape
from django.utils.translation import gettext as _

from kam.numbers import money


def whitespace_heatmap(table: pd.DataFrame, *, segments: dict[str, str], lines: dict[int, str]) -> dict | None:
    """The potential still to win per segment (rows) × line (columns); an empty cell stays empty, not 0.

    table: growth.analytics.whitespace_by_segment's pivot (segment codes × line ids); None when it is empty.
    """
    if table.empty:
        return None
    values = [[None if math.isnan(v) else round(float(v)) for v in row] for row in table.to_numpy(dtype=float)]
    labels = [[money(v) if v is not None else "" for v in row] for row in values]
    title = _("Potential still to win by segment and product line")
    return {
        "data": [
            {
                "type": "heatmap",
                "x": [escape(lines.get(line, str(line))) for line in table.columns],
                "y": [escape(segments.get(code, code)) for code in table.index],
                "z": values,
                "text": labels,
                "texttemplate": "%{text}",
                "colorscale": [[0, "#f4f7fb"], [1, "#0a3a7a"]],
                "showscale": False,
                "hoverongaps": False,
                "hovertemplate": "%{y} · %{x}: %{text}<extra></extra>",
            }
        ],
        "layout": {
            "height": max(260, 70 + 44 * len(table.index)),
            "margin": {"l": 160, "r": 20, "t": 50, "b": 90},
            "title": {"text": escape(title)},
            "xaxis": {"title": {"text": escape(_("Product line"))}, "tickangle": -30},
            "yaxis": {"title": {"text": escape(_("Segment"))}, "autorange": "reversed"},
        },
    }
