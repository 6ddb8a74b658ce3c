"""The whitespace map of one account (and its subsidiaries, when it heads a group), ready for a page or a PDF.

A fixed number of queries whatever the number of lines or subsidiaries: the rows, the lines, then
growth.frames' one read per input; the grid is assembled from one frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from accounts.financial_year import financial_year_in_use
from accounts.models import Account, ProductLine
from growth import analytics
from growth.frames import cells_frame
from plans.models import IN_FORCE, IN_PREPARATION, AccountPlan, PlanStatus

DATA_STATUSES = {analytics.SOLD, analytics.PIPELINE, analytics.COMPETITOR, analytics.NOT_RELEVANT}
# The customer's copy says only what the customer knows: what it buys, what is being discussed, the rest.
IN_DISCUSSION, NOT_BOUGHT = "in_discussion", "not_bought"
CUSTOMER_STATUSES = {analytics.SOLD: analytics.SOLD, analytics.PIPELINE: IN_DISCUSSION}


def _num(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


@dataclass(frozen=True)
class Cell:
    account_id: int
    line_id: int
    status: str
    revenue: float | None
    pipeline: float | None
    potential: float | None
    potential_source: str  # "entered", "estimated" or "" (unknown)
    reason: str
    peers: int | None
    competitor: str

    @property
    def has_data(self) -> bool:
        """Something the data or the manager says about this cell (a peers' estimate alone is not data of its own)."""
        return (
            self.status in DATA_STATUSES or self.status == IN_DISCUSSION or self.potential_source == analytics.ENTERED
        )


@dataclass(frozen=True)
class Row:
    account: Account
    cells: list[Cell]
    is_group: bool  # the group's own row, above its subsidiaries
    can_edit: bool


@dataclass
class Summary:
    lines_bought: int = 0  # lines sold at least once on the map (to the account or any of its subsidiaries)
    sold: int = 0
    pipeline: int = 0
    pipeline_amount: float = 0.0
    open_known: int = 0
    open_amount: float = 0.0
    open_unknown: int = 0
    competitor: int = 0
    not_relevant: int = 0


@dataclass
class WhitespaceMap:
    account: Account
    rows: list[Row]
    lines: list[ProductLine]
    year: int | None
    is_group: bool
    summary: Summary = field(default_factory=Summary)

    @property
    def can_edit_any(self) -> bool:
        return any(row.can_edit for row in self.rows)


def _cell(item: Any) -> Cell:
    peers = _num(item.peers)
    return Cell(
        account_id=int(item.account_id),
        line_id=int(item.line_id),
        status=str(item.status),
        revenue=_num(item.revenue),
        pipeline=_num(item.pipeline),
        potential=_num(item.potential),
        potential_source=str(item.potential_source or ""),
        reason=str(item.reason) if isinstance(item.reason, str) else "",
        peers=int(peers) if peers is not None else None,
        competitor=str(item.competitor) if isinstance(item.competitor, str) else "",
    )


def whitespace_cell(*, account: Account, line: ProductLine, year: int | None = None) -> Cell:
    """What one cell of the map says (the cell editor's heading)."""
    year = year if year is not None else financial_year_in_use()
    frame = cells_frame(account_ids=[account.pk], line_ids=[line.pk], year=year)
    return _cell(next(frame.itertuples(index=False)))


def map_rows(account: Account) -> list[Account]:
    """The account, then its direct subsidiaries by name: one query."""
    related = Account.objects.filter(Q(pk=account.pk) | Q(parent_id=account.pk)).only("pk", "name", "parent_id")
    others = sorted((a for a in related if a.pk != account.pk), key=lambda a: (a.name.lower(), a.pk))
    return [account, *others]


def customer_cell(cell: Cell) -> Cell:
    """What the customer's copy of a cell says: the revenue of a line it buys, that a line is in discussion,
    or that it does not buy it. Our intelligence (potentials and why, peers' estimates, competitors, what we
    judge not relevant, the amounts of our open deals) is left out of the data, not only hidden."""
    return Cell(
        account_id=cell.account_id,
        line_id=cell.line_id,
        status=CUSTOMER_STATUSES.get(cell.status, NOT_BOUGHT),
        revenue=cell.revenue if cell.status == analytics.SOLD else None,
        pipeline=None,
        potential=None,
        potential_source="",
        reason="",
        peers=None,
        competitor="",
    )


def whitespace_map(
    *, account: Account, user=None, for_customer: bool = False, year: int | None = None
) -> WhitespaceMap:
    """The grid of the account's rows × lines: the current active lines, plus inactive ones these rows have data on.

    for_customer (the customer's copy of the plan): every cell goes through customer_cell, and an inactive line
    is shown only where the customer buys it or discusses it.
    """
    rows = map_rows(account)
    editable: set[int] = set()
    if user is not None:
        editable = set(
            Account.objects.editable_by(user).filter(pk__in=[a.pk for a in rows]).values_list("pk", flat=True)
        )
    lines = list(ProductLine.objects.current())
    year = year if year is not None else financial_year_in_use()
    frame = cells_frame(account_ids=[a.pk for a in rows], line_ids=[line.pk for line in lines], year=year)
    cells = {(cell.account_id, cell.line_id): cell for cell in map(_cell, frame.itertuples(index=False))}
    if for_customer:
        cells = {key: customer_cell(cell) for key, cell in cells.items()}
    shown = [
        line
        for line in lines
        if line.is_active or any(cells[(a.pk, line.pk)].has_data for a in rows if (a.pk, line.pk) in cells)
    ]
    grid = WhitespaceMap(
        account=account,
        rows=[
            Row(
                account=a,
                cells=[cells[(a.pk, line.pk)] for line in shown],
                is_group=a.pk == account.pk and len(rows) > 1,
                can_edit=a.pk in editable,
            )
            for a in rows
        ],
        lines=shown,
        year=year,
        is_group=len(rows) > 1,
    )
    grid.summary = summarise(cell for row in grid.rows for cell in row.cells)
    grid.summary.lines_bought = len({c.line_id for row in grid.rows for c in row.cells if c.status == analytics.SOLD})
    return grid


def summarise(cells) -> Summary:
    summary = Summary()
    for cell in cells:
        if cell.status == analytics.SOLD:
            summary.sold += 1
        elif cell.status in (analytics.PIPELINE, IN_DISCUSSION):
            summary.pipeline += 1
            summary.pipeline_amount += cell.pipeline or 0.0
        elif cell.status == analytics.COMPETITOR:
            summary.competitor += 1
        elif cell.status == analytics.NOT_RELEVANT:
            summary.not_relevant += 1
        elif cell.potential is not None:
            summary.open_known += 1
            summary.open_amount += cell.potential
        else:
            summary.open_unknown += 1
    return summary


def current_plan(account: Account) -> AccountPlan | None:
    """The account's plan to add an objective to: the one in force (active first), else the one in preparation."""
    plans = list(AccountPlan.objects.filter(account=account).exclude(status=PlanStatus.CLOSED).only("pk", "status"))
    in_force = min((p for p in plans if p.status in IN_FORCE), key=lambda p: p.status != "active", default=None)
    return in_force or next((p for p in plans if p.status in IN_PREPARATION), None)
