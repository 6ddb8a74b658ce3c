"""The dashboard's whitespace blocks: the heat map segment × line and the top untouched cells.

Computed for the accounts the reader sees on the dashboard (its filters applied), from frames read once for the
whole portfolio (peers may be outside the filter); a fixed number of queries whatever the portfolio's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import Account, Segment
from growth import analytics
from growth.charts import whitespace_heatmap
from growth.portfolio import portfolio_whitespace
from kam.models import User
from kam.numbers import money
from plans.line_objectives import line_objective_anchor, line_objective_plans, line_objective_url, line_objectives_on

UNSCORED = "unscored"
TOP_LIMIT = 10


@dataclass
class WhitespaceBoard:
    year: int | None
    figure: dict | None
    # The heat map as a table: header labels, then (segment label, [amount text per line]) rows.
    headers: list[str] = field(default_factory=list)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)
    top: list[dict] = field(default_factory=list)
    total: float = 0.0

    @property
    def total_text(self) -> str:
        return money(self.total)


def segment_labels() -> dict[str, str]:
    return {**{code: str(label) for code, label in Segment.choices}, UNSCORED: _("Not scored")}


def _segment_order(codes) -> list[str]:
    order = [*Segment.values, UNSCORED]
    return sorted(codes, key=lambda code: order.index(code) if code in order else len(order))


def whitespace_board_read(
    *,
    accounts: QuerySet[Account],
    user: User,
    limit: int = TOP_LIMIT,
    frame: pd.DataFrame | None = None,
    year: int | None = None,
) -> WhitespaceBoard:
    """The heat map and the largest untouched cells of these (already visible and filtered) accounts.

    frame: the same accounts already read (indexed by id, with name and segment), e.g. the dashboard's portfolio
    frame, and year the financial year in use it was read for: neither is read again.
    """
    if frame is None:
        frame = pd.DataFrame.from_records(
            list(accounts.order_by().values_list("pk", "name", "segment")), columns=["pk", "name", "segment"]
        ).set_index("pk")
    names = dict(zip(frame.index.tolist(), frame.name.tolist(), strict=True))
    segments = frame.segment.replace("", UNSCORED).fillna(UNSCORED).astype(object)
    whitespace = portfolio_whitespace(account_ids=frame.index, year=year)
    open_cells, lines = whitespace.open_cells, whitespace.lines
    labels = segment_labels()
    if open_cells.empty:
        return WhitespaceBoard(year=whitespace.year, figure=None)
    heat = analytics.whitespace_by_segment(open_cells, segments)
    if not heat.empty:
        # Lines with the most to win first; segments in the matrix's order.
        heat = heat.reindex(index=_segment_order(heat.index), columns=heat.sum().sort_values(ascending=False).index)
    headers = [_("Segment"), *[lines.get(line, str(line)) for line in heat.columns]]
    table = [
        (labels.get(code, code), ["—" if pd.isna(value) else money(value) for value in heat.loc[code]])
        for code in heat.index
    ]
    top = analytics.top_untouched(open_cells, limit=limit)
    plans = line_objective_plans(account_ids=top.account_id.tolist(), user=user) if len(top) else {}
    keys = [(int(account_id), int(line_id)) for account_id, line_id in zip(top.account_id, top.line_id, strict=True)]
    targeted = line_objectives_on(cells=keys, user=user)
    top_rows = []
    for cell in top.itertuples(index=False):
        account_id, line_id = int(cell.account_id), int(cell.line_id)
        objective = targeted.get((account_id, line_id))
        plan = plans.get(account_id) if objective is None else None  # one objective per cell, not two
        top_rows.append(
            {
                "account_id": account_id,
                "account": names[account_id],
                "line": lines.get(line_id, ""),
                "potential": money(cell.potential),
                "entered": cell.potential_source == analytics.ENTERED,
                "reason": cell.reason,
                "peers": None if pd.isna(cell.peers) else int(cell.peers),
                "map_url": f"/accounts/{account_id}/whitespace/",
                "objective": {"title": objective.title, "url": line_objective_anchor(objective)} if objective else None,
                "objective_url": line_objective_url(
                    plan_pk=plan.pk, line_pk=line_id, at_pk=account_id, target=float(cell.potential)
                )
                if plan is not None
                else "",
            }
        )
    return WhitespaceBoard(
        year=whitespace.year,
        figure=whitespace_heatmap(heat, segments=labels, lines=lines),
        headers=headers,
        rows=table,
        top=top_rows,
        total=float(open_cells.potential.sum()),
    )
