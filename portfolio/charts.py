"""The dashboard's charts: plotly figure dicts, each with a summary for screen readers and a table fallback.

Plotly renders text as HTML-like markup (<b>, <a>, <br>), so every piece of user text put in a figure
(account names) goes through `escape` first; tables in templates are escaped by Django as usual.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.coverage import QUALITY_LABELS
from accounts.models import Segment
from kam.numbers import grouped
from plans.progress import STATUS_LABELS
from portfolio import dashboard

SEGMENT_COLOURS = {
    "loyal_core": "#0a3a7a",
    "high_potential": "#2e7d32",
    "large_flat": "#b35c00",
    "small": "#6c757d",
    "unscored": "#adb5bd",
}
QUALITY_COLOURS = {"red": "#c62828", "amber": "#ef6c00", "green": "#2e7d32"}
PROGRESS_COLOURS = {"on_track": "#2e7d32", "at_risk": "#ef6c00", "off_track": "#c62828", "not_measured": "#adb5bd"}
BASE_LAYOUT = {
    "height": 340,
    "margin": {"l": 70, "r": 20, "t": 50, "b": 60},
    "legend": {"orientation": "h", "y": -0.25},
}


@dataclass
class Cell:
    text: str
    url: str = ""
    numeric: bool = False


@dataclass
class Chart:
    """What the template needs for one chart: the figure, a title, a sentence for screen readers, a table."""

    key: str
    title: str
    summary: str
    figure: dict | None
    headers: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    # A URL with "__id__" for the account behind a point, opened when the point is clicked.
    point_url: str = ""

    @property
    def element_id(self) -> str:
        return f"chart-{self.key}"

    def header_cells(self) -> list[tuple[str, bool]]:
        """Each header with whether its column holds numbers, so a header sits right-aligned above its figures."""
        first = self.rows[0] if self.rows else []
        return [(header, i < len(first) and first[i].numeric) for i, header in enumerate(self.headers)]

    def table_html(self) -> SafeString:
        """The table fallback, built here: a template loop over 300 rows x 6 cells costs ~60 ms, this ~3 ms."""
        head = "".join(f'<th scope="col">{escape(header)}</th>' for header in self.headers)
        body = "".join(f"<tr>{''.join(_cell_html(i, cell) for i, cell in enumerate(row))}</tr>" for row in self.rows)
        caption = escape(self.title)
        html = f'<table class="table table-sm small mb-0"><caption>{caption}</caption><thead><tr>{head}</tr></thead>'
        return mark_safe(f"{html}<tbody>{body}</tbody></table>")  # noqa: S308 - every text above is escaped


def _cell_html(index: int, cell: Cell) -> str:
    text = f'<a href="{escape(cell.url)}">{escape(cell.text)}</a>' if cell.url else escape(cell.text)
    if index == 0:
        return f'<th scope="row">{text}</th>'
    return f'<td class="text-end num">{text}</td>' if cell.numeric else f"<td>{text}</td>"


def segment_label(code: str) -> str:
    return _segment_labels(get_language()).get(code) or _("Not scored")


@lru_cache(maxsize=8)
def _segment_labels(language: str) -> dict[str, str]:
    """Translated once per language: tables and traces ask for a label per row."""
    return {segment.value: str(segment.label) for segment in Segment}


def _number(value: float, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    # The reader's language groups the digits, as in the pages ("5,206,611" in English, "5 206 611" in French).
    return grouped(value, digits)


def _layout(title: str, x: str, y: str, **extra) -> dict:
    return {
        **BASE_LAYOUT,
        "title": {"text": escape(title)},
        "xaxis": {"title": {"text": escape(x)}},
        "yaxis": {"title": {"text": escape(y)}},
        **extra,
    }


def value_potential_matrix(points: pd.DataFrame, *, total: int, currency: str) -> Chart:
    title = _("Value × potential matrix")
    traces = []
    peak = float(points.revenue.fillna(0).max() or 1)
    for segment, group in points.groupby("segment", sort=False):
        revenue = group.revenue.fillna(0).astype(float)
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": segment_label(segment),
                "x": group.value_score.round(1).tolist(),
                "y": group.potential_score.round(1).tolist(),
                "customdata": [int(pk) for pk in group.index],
                "hovertext": [escape(name) for name in group.name],
                "hovertemplate": "%{hovertext}<br>"
                + escape(_("value"))
                + " %{x}, "
                + escape(_("potential"))
                + " %{y}<extra></extra>",
                "marker": {
                    "size": (8 + 32 * (revenue / peak) ** 0.5).round(1).tolist(),
                    "color": SEGMENT_COLOURS.get(segment, "#333"),
                    "opacity": 0.75,
                    "line": {"width": 1, "color": "#fff"},
                },
            }
        )
    figure = {
        "data": traces,
        "layout": _layout(
            title,
            _("Current value score (0–100)"),
            _("Potential score (0–100)"),
            height=420,
            xaxis={"title": {"text": escape(_("Current value score (0–100)"))}, "range": [-5, 105]},
            yaxis={"title": {"text": escape(_("Potential score (0–100)"))}, "range": [-5, 105]},
        ),
    }
    key_count = int(points.is_key.sum())
    summary = _(
        "%(shown)s of %(total)s accounts placed by their value and potential scores, %(key)s of them key accounts; "
        "bubble size is the revenue of the financial year in use, colour the segment. The table lists them."
    ) % {"shown": len(points), "total": total, "key": key_count}
    # Translated once, not per row: 300 rows asked gettext 600 times.
    labels, yes, no = _segment_labels(get_language()), _("yes"), _("no")
    rows = [
        [
            Cell(name, url=f"/accounts/{pk}/"),
            Cell(labels.get(segment) or segment_label(segment)),
            Cell(yes if is_key else no),
            Cell(_number(value, 1), numeric=True),
            Cell(_number(potential, 1), numeric=True),
            Cell(_number(revenue), numeric=True),
        ]
        for pk, name, segment, is_key, value, potential, revenue in zip(
            points.index,
            points.name,
            points.segment,
            points.is_key,
            points.value_score,
            points.potential_score,
            points.revenue,
            strict=True,
        )
    ]
    headers = [
        _("Account"),
        _("Segment"),
        _("Key account"),
        _("Value"),
        _("Potential"),
        _("Revenue (%(currency)s)") % {"currency": currency},
    ]
    return Chart(
        "matrix", title, summary, figure if len(points) else None, headers, rows, point_url="/accounts/__id__/"
    )


def pareto_chart(curve: pd.DataFrame, figures: dict[str, float]) -> Chart:
    title = _("Concentration of revenue (Pareto)")
    for_80 = figures["accounts_for_80"]
    has_data = not math.isnan(for_80)
    figure = {
        "data": [
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Cumulative share of revenue"),
                "x": curve.accounts_share.round(1).tolist(),
                "y": curve.revenue_share.tolist(),
                "line": {"color": "#0a3a7a", "width": 3},
            },
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": _("80 % of revenue"),
                "x": [for_80],
                "y": [80],
                "text": [escape(_("80 %% of revenue: %(share)s %% of accounts") % {"share": for_80})],
                "textposition": "bottom right",
                "marker": {"size": 12, "color": "#c62828", "symbol": "diamond"},
            },
        ],
        "layout": _layout(
            title,
            _("Share of accounts, largest first (%)"),
            _("Cumulative share of revenue (%)"),
            shapes=[
                {
                    "type": "line",
                    "x0": 0,
                    "x1": for_80,
                    "y0": 80,
                    "y1": 80,
                    "line": {"dash": "dot", "color": "#c62828"},
                },
                {
                    "type": "line",
                    "x0": for_80,
                    "x1": for_80,
                    "y0": 0,
                    "y1": 80,
                    "line": {"dash": "dot", "color": "#c62828"},
                },
            ],
        ),
    }
    summary = (
        _("%(for_80)s %% of the accounts make 80 %% of revenue; the top 20 %% of accounts make %(top20)s %% of it.")
        % {"for_80": for_80, "top20": figures["top20_revenue_share"]}
        if has_data
        else _("No revenue recorded for these accounts.")
    )
    deciles = curve[curve.accounts_share.round(1).isin([10.0 * i for i in range(1, 11)])]
    rows = [
        [Cell(f"{share:.0f} %"), Cell(f"{revenue:.1f} %", numeric=True)]
        for share, revenue in zip(deciles.accounts_share, deciles.revenue_share, strict=True)
    ]
    return Chart(
        "pareto", title, summary, figure if has_data else None, [_("Share of accounts"), _("Share of revenue")], rows
    )


def headroom_chart(table: pd.DataFrame, *, currency: str) -> Chart:
    title = _("Untapped headroom by segment")
    note = _one_segment_note(table[["headroom"]])
    table = every_segment(table)
    labels = [segment_label(code) for code in table.index]
    figure = {
        "data": [
            {
                "type": "bar",
                "name": _("Headroom"),
                "x": labels,
                "y": table.headroom.round(0).tolist(),
                "marker": {"color": [SEGMENT_COLOURS.get(code, "#333") for code in table.index]},
            }
        ],
        "layout": _layout(
            title,
            _("Segment"),
            _("Headroom (%(currency)s)") % {"currency": currency},
            xaxis={"title": {"text": escape(_("Segment"))}, "type": "category"},
        ),
    }
    total = float(table.headroom.sum())
    biggest = labels[int(table.headroom.to_numpy().argmax())] if len(table) and total else ""
    summary = (
        _("%(total)s %(currency)s of potential is untapped; the most sleeps in the segment %(segment)s.")
        % {"total": _number(total), "currency": currency, "segment": biggest}
        if total
        else _("No headroom: no potential estimated above revenue.")
    ) + (note if total else "")
    rows = [
        [
            Cell(label),
            Cell(_number(row.accounts), numeric=True),
            Cell(_number(row.revenue), numeric=True),
            Cell(_number(row.potential), numeric=True),
            Cell(_number(row.headroom), numeric=True),
            Cell(f"{row.headroom_share:.1f} %", numeric=True),
        ]
        for label, row in zip(labels, table.itertuples(), strict=True)
    ]
    headers = [_("Segment"), _("Accounts"), _("Revenue"), _("Potential"), _("Headroom"), _("Share of headroom")]
    return Chart("headroom", title, summary, figure if total else None, headers, rows)


def account_labels(pks, names) -> list[str]:
    """One readable, distinct category per account: its escaped name, with its number when two share a name.

    Plotly guesses an axis' type from its values and reads "#12" as the number 12, which put the bars at
    uneven heights with overlapping labels; the axes below are also declared categorical.
    """
    names = [str(name) for name in names]
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    return [escape(name if seen[name] == 1 else f"{name} (#{int(pk)})") for pk, name in zip(pks, names, strict=True)]


def top_headroom_chart(top: pd.DataFrame, *, currency: str) -> Chart:
    title = _("Accounts with the most headroom")
    ordered = top.iloc[::-1]
    labels = account_labels(ordered.index, ordered.name)
    figure = {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": _("Headroom"),
                "x": ordered.headroom.round(0).tolist(),
                "y": labels,
                "customdata": [int(pk) for pk in ordered.index],
                "hovertemplate": "%{y}: %{x:,.0f}<extra></extra>",
                "marker": {"color": "#0a3a7a"},
            }
        ],
        "layout": _layout(
            title,
            _("Headroom (%(currency)s)") % {"currency": currency},
            _("Account"),
            height=max(340, 60 + 32 * len(labels)),
            margin={"l": 200, "r": 20, "t": 50, "b": 60},
        ),
    }
    figure["layout"]["yaxis"] |= {"type": "category", "categoryorder": "array", "categoryarray": labels}
    summary = (
        _("%(name)s has the most untapped potential: %(amount)s %(currency)s.")
        % {"name": top.name.iloc[0], "amount": _number(top.headroom.iloc[0]), "currency": currency}
        if len(top)
        else _("No account has headroom.")
    )
    rows = [
        [Cell(name, url=f"/accounts/{pk}/"), Cell(segment_label(seg or "unscored")), Cell(_number(room), numeric=True)]
        for pk, name, seg, room in zip(top.index, top.name, top.segment, top.headroom, strict=True)
    ]
    return Chart(
        "top-headroom",
        title,
        summary,
        figure if len(top) else None,
        [_("Account"), _("Segment"), _("Headroom")],
        rows,
        point_url="/accounts/__id__/",
    )


def migrations_chart(table: pd.DataFrame, keys: dict[str, int], *, run_label: str) -> Chart:
    title = _("Segment migrations of the last run")
    rows_labels = [segment_label(code) for code in table.index]
    column_labels = [segment_label(code) for code in table.columns]
    values = table.to_numpy().tolist()
    moved = int(table.to_numpy().sum() - sum(table.at[c, c] for c in table.index if c in table.columns))
    figure = {
        "data": [
            {
                "type": "heatmap",
                "x": column_labels,
                "y": rows_labels,
                "z": values,
                "text": values,
                "texttemplate": "%{text}",
                "colorscale": [[0, "#f4f7fb"], [1, "#0a3a7a"]],
                "showscale": False,
                "hovertemplate": "%{y} → %{x}: %{z}<extra></extra>",
            }
        ],
        "layout": _layout(
            title,
            _("Segment now"),
            _("Segment before"),
            yaxis={"title": {"text": escape(_("Segment before"))}, "autorange": "reversed"},
            margin={"l": 150, "r": 20, "t": 50, "b": 60},
        ),
    }
    summary = _(
        "%(run)s: %(moved)s accounts changed segment; %(entered)s became key accounts and %(left)s left key status."
    ) % {"run": run_label, "moved": moved, **keys}
    rows = [
        [Cell(label)] + [Cell(str(v), numeric=True) for v in line]
        for label, line in zip(rows_labels, values, strict=True)
    ]
    headers = [_("Before \\ now")] + column_labels
    return Chart("migrations", title, summary, figure if table.to_numpy().sum() else None, headers, rows)


def every_segment(table: pd.DataFrame) -> pd.DataFrame:
    """The table with a row for every segment, empty ones at 0 ("Not scored" only when it holds something).

    With only the segments present, a portfolio whose key accounts all sit in one segment drew one lone,
    meaningless bar; beside the empty segments it reads as what it is: all of them are there.
    """
    order = [s for s in dashboard.SEGMENT_ORDER if s != "unscored" or s in table.index]
    return table.reindex(order, fill_value=0)


def _one_segment_note(table: pd.DataFrame) -> str:
    filled = [code for code in table.index if table.loc[code].sum()]
    if len(filled) != 1:
        return ""
    return " " + _("All of them are in one segment: %(segment)s.") % {"segment": segment_label(filled[0])}


def _stacked(table: pd.DataFrame, labels: dict, colours: dict, title: str, y: str) -> dict:
    segments = [segment_label(code) for code in table.index]
    return {
        "data": [
            {
                "type": "bar",
                "name": str(labels[column]),
                "x": segments,
                "y": table[column].astype(int).tolist(),
                "marker": {"color": colours[column]},
            }
            for column in table.columns
        ],
        "layout": _layout(
            title,
            _("Segment"),
            y,
            barmode="stack",
            xaxis={"title": {"text": escape(_("Segment"))}, "type": "category"},
            yaxis={"title": {"text": escape(y)}, "tickformat": ",d", "rangemode": "tozero"},
        ),
    }


def _count_rows(table: pd.DataFrame) -> list[list[Cell]]:
    return [
        [Cell(segment_label(code))] + [Cell(str(int(v)), numeric=True) for v in table.loc[code]] for code in table.index
    ]


def plan_progress_chart(table: pd.DataFrame) -> Chart:
    title = _("Plan objectives on track, at risk, off track")
    totals = {status: int(table[status].sum()) for status in table.columns}
    summary = _(
        "Objectives of the plans in force: %(on_track)s on track, %(at_risk)s at risk, %(off_track)s off track, "
        "%(not_measured)s not measured yet."
    ) % {status: totals.get(status, 0) for status in dashboard.PROGRESS_ORDER}
    summary += _one_segment_note(table)
    table = every_segment(table)
    figure = _stacked(table, STATUS_LABELS, PROGRESS_COLOURS, title, _("Objectives")) if sum(totals.values()) else None
    headers = [_("Segment")] + [str(STATUS_LABELS[s]) for s in table.columns]
    return Chart("progress", title, summary, figure, headers, _count_rows(table))


def map_quality_chart(table: pd.DataFrame) -> Chart:
    title = _("Decision-maker map quality of key accounts")
    totals = {quality: int(table[quality].sum()) for quality in table.columns}
    summary = _("Key accounts by map quality: %(red)s red, %(amber)s amber, %(green)s green.") % {
        quality: totals.get(quality, 0) for quality in dashboard.QUALITY_ORDER
    }
    summary += _one_segment_note(table)
    table = every_segment(table)
    figure = (
        _stacked(table, QUALITY_LABELS, QUALITY_COLOURS, title, _("Key accounts")) if sum(totals.values()) else None
    )
    headers = [_("Segment")] + [str(QUALITY_LABELS[q]) for q in table.columns]
    return Chart("coverage", title, summary, figure, headers, _count_rows(table))


def satisfaction_chart(trend: pd.DataFrame, *, too_few: bool = False) -> Chart:
    title = _("Satisfaction and NPS by segment over time")
    traces = []
    for segment, group in trend.groupby("segment", sort=False):
        colour = SEGMENT_COLOURS.get(segment, "#333")
        name = segment_label(segment)
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("%(segment)s: satisfaction") % {"segment": name},
                "x": group.period.tolist(),
                "y": group.satisfaction.tolist(),
                "line": {"color": colour},
            }
        )
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("%(segment)s: NPS") % {"segment": name},
                "x": group.period.tolist(),
                "y": group.nps.tolist(),
                "yaxis": "y2",
                "line": {"color": colour, "dash": "dot"},
            }
        )
    figure = {
        "data": traces,
        "layout": _layout(
            title,
            _("Quarter"),
            _("Satisfaction index (0–100)"),
            height=380,
            # Room on the right for the NPS ticks and title: with the base 20 px margin they were clipped.
            margin={**BASE_LAYOUT["margin"], "r": 80},
            yaxis={"title": {"text": escape(_("Satisfaction index (0–100)"))}, "automargin": True},
            yaxis2={
                "title": {"text": escape(_("NPS (−100 to 100)")), "standoff": 12},
                "overlaying": "y",
                "side": "right",
                "range": [-100, 100],
                "dtick": 50,
                "automargin": True,
            },
            xaxis={"title": {"text": escape(_("Quarter"))}, "type": "category"},
        ),
    }
    if trend.empty:
        summary = (
            _("Not enough answers yet: no account has the number of answers needed to show figures.")
            if too_few
            else _("No survey answers yet for these accounts.")
        )
    else:
        latest = trend[trend.period == trend.period.max()]
        parts = [
            _("%(segment)s %(satisfaction)s / NPS %(nps)s")
            % {"segment": segment_label(s), "satisfaction": _number(sat, 1), "nps": _number(nps)}
            for s, sat, nps in zip(latest.segment, latest.satisfaction, latest.nps, strict=True)
        ]
        summary = _("Latest quarter (%(period)s): %(parts)s.") % {
            "period": trend.period.max(),
            "parts": "; ".join(parts),
        }
    rows = [
        [
            Cell(segment_label(s)),
            Cell(p),
            Cell(_number(sat, 1), numeric=True),
            Cell(_number(nps), numeric=True),
            Cell(str(int(n)), numeric=True),
        ]
        for s, p, sat, nps, n in zip(
            trend.segment, trend.period, trend.satisfaction, trend.nps, trend.answers, strict=True
        )
    ]
    headers = [_("Segment"), _("Quarter"), _("Satisfaction"), _("NPS"), _("Answers")]
    return Chart("satisfaction", title, summary, figure if not trend.empty else None, headers, rows)
