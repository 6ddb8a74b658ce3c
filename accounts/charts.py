"""Chart definitions for account pages, as plain plotly figure dicts (no plotly import needed)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from accounts.models import YearlyFinancial


def financial_history(financials: Sequence[YearlyFinancial], *, currency: str) -> dict:
    """Revenue and gross margin by year, grouped bars."""
    years = [str(f.year) for f in financials]
    return {
        "data": [
            {
                "type": "bar",
                "name": _("Revenue"),
                "x": years,
                "y": [float(f.revenue) for f in financials],
                "marker": {"color": "#0a3a7a"},
            },
            {
                "type": "bar",
                "name": _("Gross margin"),
                "x": years,
                "y": [float(f.gross_margin) if f.gross_margin is not None else None for f in financials],
                "marker": {"color": "#2e8540"},
            },
        ],
        "layout": {
            "title": {"text": _("Revenue and gross margin by year")},
            "barmode": "group",
            "height": 260,
            "margin": {"l": 60, "r": 10, "t": 40, "b": 40},
            "xaxis": {"title": {"text": _("Year")}, "type": "category"},
            "yaxis": {"title": {"text": currency}, "rangemode": "tozero"},
            "legend": {"orientation": "h", "y": -0.25},
        },
    }
