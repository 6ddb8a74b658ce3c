"""The whitespace map on the account page (a compact summary and a link), and in the plan PDF."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.models import Account, ProductLine
from growth.whitespace import whitespace_map
from plans.models import AccountPlan, PdfAudience


def whitespace_card(request: HttpRequest, account: Account, can_edit: bool) -> dict[str, Any] | None:
    """What the account (with its subsidiaries) buys, has in the pipeline and could still buy, line by line."""
    if not ProductLine.objects.current().exists():
        return None
    grid = whitespace_map(account=account)
    return {
        "account": account,
        "summary": grid.summary,
        "lines": len(grid.lines),
        "year": grid.year,
        "is_group": grid.is_group,
        "subsidiaries": len(grid.rows) - 1,
    }


def plan_pdf_whitespace(*, plan: AccountPlan, audience: str) -> dict[str, Any] | None:
    """The plan account's whitespace map; the customer's copy says only which lines it buys or discusses with us."""
    for_customer = audience != PdfAudience.INTERNAL  # anything but the internal version is handed over
    grid = whitespace_map(account=plan.account, for_customer=for_customer)
    if not grid.lines:
        return None
    return {"grid": grid, "for_customer": for_customer}
