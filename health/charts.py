"""Health's charts as plain plotly figure dicts (static/js/charts.js draws them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.translation import gettext as _


def health_trend(weeks: Sequence[date], scores: Sequence[float | None]) -> dict:
    """The weekly health index as a line on a fixed 0–100 scale, with the 50 line for reference."""
    x = [week.isoformat() for week in weeks]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Health"),
                "x": x,
                "y": list(scores),
                "connectgaps": False,
                "line": {"color": "#0a3a7a"},
            }
        ],
        "layout": {
            "title": {"text": _("Health by week")},
            "height": 220,
            "margin": {"l": 40, "r": 10, "t": 36, "b": 36},
            "xaxis": {"type": "date", "title": {"text": _("Week")}},
            "yaxis": {"range": [0, 100], "title": {"text": _("Health")}},
            "shapes": [
                {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 50, "y1": 50,
                 "line": {"color": "#b0b0b0", "dash": "dot", "width": 1}}
            ],
            "showlegend": False,
        },
    }  # fmt: skip
