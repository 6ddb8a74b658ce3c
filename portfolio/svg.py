"""The dashboard's charts drawn on the server as small SVG files, for the PDF (no browser, no kaleido).

Each function reads the plotly figure dict the page already draws (portfolio.charts) and writes plain SVG:
bars (vertical, horizontal, stacked), points and lines, and the heat map as a grid of numbers. About a
hundred lines instead of a plotting library: WeasyPrint draws SVG natively, the figures here are simple,
and a library would bring a second definition of every chart to keep in step with the page's.
Every label is escaped for XML (figure texts were escaped for plotly's HTML-like markup: unescaped first).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 70, 16, 12, 56
FONT = 'font-family="DejaVu Sans, sans-serif"'
DEFAULT_COLOUR = "#0a3a7a"


def _text(value: object) -> str:
    """Plain text for XML: plotly's labels arrive HTML-escaped, so unescape once, then escape."""
    return str(escape(html.unescape(str(value))))


def _colour(value: object) -> str:
    text = str(value or DEFAULT_COLOUR)
    # Only our own hex colours reach here; anything else is refused rather than written into an attribute.
    return text if text.startswith("#") and len(text) <= 9 and text[1:].isalnum() else DEFAULT_COLOUR


def _number(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f} M"
    if abs(value) >= 10_000:
        return f"{value / 1000:.0f} k"
    return f"{value:,.0f}".replace(",", "\u202f") if abs(value) >= 10 else f"{value:.1f}".rstrip("0").rstrip(".")


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    step = 10 ** math.floor(math.log10(raw))
    step *= next(m for m in (1, 2, 2.5, 5, 10) if raw <= step * m)
    start = math.floor(low / step) * step
    return [start + i * step for i in range(int((high - start) / step) + 2) if start + i * step <= high + step / 2]


def _svg(body: list[str], title: str, height: int = HEIGHT) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" class="pdf-chart" {FONT} font-size="11"><title>{_text(title)}</title>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text above goes through _text


def _values(trace: dict, axis: str) -> list[float]:
    return [float(v) if v is not None and not (isinstance(v, float) and math.isnan(v)) else 0.0 for v in trace[axis]]


def _legend(traces: Sequence[dict], y: int) -> list[str]:
    parts: list[str] = []
    x = float(LEFT)
    for trace in traces:
        name = _text(trace.get("name", ""))
        colour = _colour(_trace_colour(trace))
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{y}">{name}</text>')
        x += 24 + 6.5 * len(html.unescape(str(trace.get("name", ""))))
    return parts


def _trace_colour(trace: dict) -> str:
    marker = trace.get("marker", {}).get("color") or trace.get("line", {}).get("color")
    return marker if isinstance(marker, str) else DEFAULT_COLOUR


def vertical_bars(figure: dict) -> SafeString:
    """Bars per category, stacked when the layout says so (one colour per trace, or per bar)."""
    traces = figure["data"]
    categories = [str(c) for c in traces[0]["x"]]
    stacked = figure["layout"].get("barmode") == "stack"
    totals = [sum(_values(t, "y")[i] for t in traces) for i in range(len(categories))]
    peak = max(totals if stacked else [max(_values(t, "y") or [0]) for t in traces]) or 1
    ticks = _ticks(0, peak)
    top = ticks[-1] or 1
    plot_h, plot_w = HEIGHT - TOP - BOTTOM - (18 if len(traces) > 1 else 0), WIDTH - LEFT - RIGHT
    slot = plot_w / max(len(categories), 1)
    body = _grid(ticks, top, plot_h)
    base = [0.0] * len(categories)
    for index, trace in enumerate(traces):
        colours = trace.get("marker", {}).get("color")
        width = slot * 0.6 / (1 if stacked else len(traces))
        for i, value in enumerate(_values(trace, "y")):
            colour = _colour(colours[i] if isinstance(colours, list) else colours)
            x = LEFT + slot * i + slot * 0.2 + (0 if stacked else width * index)
            h = plot_h * value / top
            y = TOP + plot_h - h - (plot_h * base[i] / top if stacked else 0)
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{h:.1f}" fill="{colour}"/>')
            if stacked:
                base[i] += value
    for i, category in enumerate(categories):
        x = LEFT + slot * (i + 0.5)
        body.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{_text(category)}</text>')
    if len(traces) > 1:
        body += _legend(traces, HEIGHT - 8)
    body += _axis_titles(figure["layout"], plot_h)
    return _svg(body, figure["layout"]["title"]["text"])


def horizontal_bars(figure: dict) -> SafeString:
    """One bar per category, top to bottom in the figure's category order; each label on its own row."""
    trace = figure["data"][0]
    labels = [str(c) for c in trace["y"]][::-1]  # plotly draws the first category at the bottom
    values = _values(trace, "x")[::-1]
    row, left = 24, 230
    height = TOP + row * len(labels) + 40
    ticks = _ticks(0, max(values or [0]) or 1)
    top = ticks[-1] or 1
    plot_w = WIDTH - left - RIGHT
    body = []
    for tick in ticks:
        x = left + plot_w * tick / top
        body.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + row * len(labels)}" stroke="#ddd"/>')
        body.append(f'<text x="{x:.1f}" y="{TOP + row * len(labels) + 14}" text-anchor="middle">{_number(tick)}</text>')
    colour = _colour(_trace_colour(trace))
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = TOP + row * i
        name = html.unescape(label)
        short = name if len(name) <= 34 else name[:33] + "…"
        body.append(f'<text x="{left - 6}" y="{y + row / 2 + 4:.1f}" text-anchor="end">{_text(short)}</text>')
        w = plot_w * value / top
        body.append(f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" fill="{colour}"/>')
    return _svg(body, figure["layout"]["title"]["text"], height)


def points_and_lines(figure: dict) -> SafeString:
    """Scatter and line traces on numeric axes (x may be categories, e.g. quarters); the second y axis is left out."""
    traces = [t for t in figure["data"] if t.get("yaxis", "y") == "y"]
    categorical = any(isinstance(v, str) for t in traces for v in t["x"])
    categories = sorted({str(v) for t in traces for v in t["x"]}) if categorical else []
    xs = [v for t in traces for v in (range(len(categories)) if categorical else _values(t, "x"))]
    ys = [v for t in traces for v in _values(t, "y")]
    layout = figure["layout"]
    x_low, x_high = layout.get("xaxis", {}).get("range") or [min(xs or [0]), max(xs or [1])]
    if categorical:  # half a step of room on each side, so the first and last labels are not cut
        x_low, x_high = -0.5, len(categories) - 0.5
    y_low, y_high = layout.get("yaxis", {}).get("range") or [min([0, *ys]), _ticks(min([0, *ys]), max(ys or [1]))[-1]]
    plot_h, plot_w = HEIGHT - TOP - BOTTOM, WIDTH - LEFT - RIGHT
    span_x, span_y = (x_high - x_low) or 1, (y_high - y_low) or 1

    def at(x: float, y: float) -> tuple[float, float]:
        return LEFT + plot_w * (x - x_low) / span_x, TOP + plot_h - plot_h * (y - y_low) / span_y

    body = []
    for tick in _ticks(y_low, y_high):
        if y_low <= tick <= y_high:
            _, y = at(x_low, tick)
            body.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
            body.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_number(tick)}</text>')
    x_ticks = list(enumerate(categories)) if categorical else [(t, _number(t)) for t in _ticks(x_low, x_high)]
    for value, label in x_ticks:
        if x_low <= value <= x_high:
            x, _ = at(value, y_low)
            body.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{_text(label)}</text>')
    for trace in traces:
        colour = _colour(_trace_colour(trace))
        x_values = [categories.index(str(v)) for v in trace["x"]] if categorical else _values(trace, "x")
        pairs = [at(x, y) for x, y in zip(x_values, _values(trace, "y"), strict=True)]
        if "lines" in trace.get("mode", ""):
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pairs)
            dash = ' stroke-dasharray="4 3"' if trace.get("line", {}).get("dash") else ""
            body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        if "markers" in trace.get("mode", ""):
            sizes = trace.get("marker", {}).get("size", 6)
            for i, (x, y) in enumerate(pairs):
                size = sizes[i] if isinstance(sizes, list) else sizes
                r = max(2.0, float(size) / 2.5)
                body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}" fill-opacity="0.7"/>')
    if len(traces) > 1:
        body += _legend(traces, HEIGHT - 8)
    body += _axis_titles(layout, plot_h)
    return _svg(body, layout["title"]["text"])


def heatmap(figure: dict) -> SafeString:
    """The migrations grid: rows before, columns now, each cell's count, darker for more."""
    trace = figure["data"][0]
    rows, columns, values = [str(r) for r in trace["y"]], [str(c) for c in trace["x"]], trace["z"]
    peak = max([max(line or [0]) for line in values] or [0]) or 1
    cell_w, cell_h, left = (WIDTH - 170 - RIGHT) / max(len(columns), 1), 26, 170
    height = TOP + 20 + cell_h * len(rows) + 8
    body = []
    for j, column in enumerate(columns):
        x = left + cell_w * (j + 0.5)
        body.append(f'<text x="{x:.1f}" y="{TOP + 10}" text-anchor="middle">{_text(column)}</text>')
    for i, (row, line) in enumerate(zip(rows, values, strict=True)):
        y = TOP + 20 + cell_h * i
        body.append(f'<text x="{left - 6}" y="{y + 17}" text-anchor="end">{_text(row)}</text>')
        for j, value in enumerate(line):
            share = float(value) / peak
            fill = f"rgb({int(244 - 234 * share)},{int(247 - 189 * share)},{int(251 - 129 * share)})"
            ink = "#fff" if share > 0.5 else "#222"
            x = left + cell_w * j
            body.append(f'<rect x="{x:.1f}" y="{y}" width="{cell_w - 2:.1f}" height="{cell_h - 2}" fill="{fill}"/>')
            cx = x + cell_w / 2
            body.append(f'<text x="{cx:.1f}" y="{y + 17}" text-anchor="middle" fill="{ink}">{int(value)}</text>')
    return _svg(body, figure["layout"]["title"]["text"], height)


def _axis_titles(layout: dict, plot_h: float) -> list[str]:
    x_title = layout.get("xaxis", {}).get("title", {}).get("text", "")
    y_title = layout.get("yaxis", {}).get("title", {}).get("text", "")
    middle_x, middle_y = LEFT + (WIDTH - LEFT - RIGHT) / 2, TOP + plot_h / 2
    return [
        f'<text x="{middle_x:.1f}" y="{TOP + plot_h + 32:.1f}" text-anchor="middle" fill="#555">'
        f"{_text(x_title)}</text>",
        f'<text transform="translate(14 {middle_y:.1f}) rotate(-90)" text-anchor="middle" fill="#555">'
        f"{_text(y_title)}</text>",
    ]


def _grid(ticks: list[float], top: float, plot_h: float) -> list[str]:
    lines = []
    for tick in ticks:
        y = TOP + plot_h - plot_h * tick / top
        lines.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#ddd"/>')
        lines.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_number(tick)}</text>')
    return lines


def chart_svg(figure: dict | None) -> SafeString:
    """The SVG of a dashboard figure, or "" when it has none (its table and summary say why)."""
    if not figure or not figure.get("data"):
        return mark_safe("")
    first = figure["data"][0]
    if first["type"] == "heatmap":
        return heatmap(figure)
    if first["type"] == "bar":
        return horizontal_bars(figure) if first.get("orientation") == "h" else vertical_bars(figure)
    return points_and_lines(figure)
