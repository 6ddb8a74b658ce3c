"""Survey charts as plain plotly figure dicts, drawn by static/js/charts.js."""

from __future__ import annotations

from django.utils.translation import gettext as _

from surveys.analytics import DIMENSIONS
from surveys.reports import DIMENSION_LABELS


def dimension_chart(row: dict, *, previous_row: dict | None = None) -> dict:
    """The 0–100 index of each dimension and overall, against the previous campaign when there was one."""
    labels = [str(DIMENSION_LABELS[d]) for d in DIMENSIONS] + [_("Overall")]
    keys = [*DIMENSIONS, "overall"]
    data = []
    if previous_row:
        data.append({"type": "bar", "name": _("Previous campaign"), "x": labels,
                     "y": [previous_row.get(k) for k in keys], "marker": {"color": "#9aa5b1"}})  # fmt: skip
    data.append({"type": "bar", "name": _("This campaign"), "x": labels,
                 "y": [row.get(k) for k in keys], "marker": {"color": "#0a3a7a"}})  # fmt: skip
    return {
        "data": data,
        "layout": {
            "title": {"text": _("Satisfaction index per dimension (0–100)")},
            "barmode": "group",
            "height": 280,
            "margin": {"l": 40, "r": 10, "t": 40, "b": 60},
            "yaxis": {"range": [0, 100]},
            "legend": {"orientation": "h", "y": -0.3},
        },
    }
