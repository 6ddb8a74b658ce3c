"""Writes of the whitespace map: a manager's marks on cells and potentials on lines, each kept in history."""

from __future__ import annotations

import itertools
from decimal import Decimal

from accounts.models import Account, ProductLine
from growth.models import LinePotential, MarkKind, PeerSettings, WhitespaceMark
from kam.models import User


def whitespace_mark_set(
    *, account: Account, line: ProductLine, kind: str, competitor: str = "", by: User
) -> WhitespaceMark:
    """Mark a cell as held by a competitor (whose name is required) or as not relevant; replaces any mark."""
    kind = MarkKind(kind)
    competitor = competitor.strip() if kind == MarkKind.COMPETITOR else ""
    if kind == MarkKind.COMPETITOR and not competitor:
        raise ValueError("A competitor mark needs the competitor's name.")
    mark = WhitespaceMark.objects.filter(account=account, line=line).first() or WhitespaceMark(
        account=account, line=line
    )
    mark.kind, mark.competitor, mark.marked_by = kind, competitor, by
    mark._history_user = by  # type: ignore[attr-defined]
    mark.save()
    return mark


def whitespace_mark_clear(*, account: Account, line: ProductLine, by: User) -> bool:
    """Remove the cell's mark; True when there was one. History keeps what it said."""
    mark = WhitespaceMark.objects.filter(account=account, line=line).first()
    if mark is None:
        return False
    mark._history_user = by  # type: ignore[attr-defined]
    mark.delete()
    return True


def line_potential_set(*, account: Account, line: ProductLine, amount: Decimal, reason: str, by: User) -> LinePotential:
    """Enter what the account could buy on the line per year, with what the figure rests on (required)."""
    reason = reason.strip()
    if not reason:
        raise ValueError("An entered potential needs a reason.")
    if amount < 0:
        raise ValueError("A potential cannot be negative.")
    potential = LinePotential.objects.filter(account=account, line=line).first() or LinePotential(
        account=account, line=line
    )
    potential.amount, potential.reason, potential.entered_by = amount, reason, by
    potential._history_user = by  # type: ignore[attr-defined]
    potential.save()
    return potential


def line_potential_clear(*, account: Account, line: ProductLine, by: User) -> bool:
    """Remove the entered potential (the peers' estimate, if any, shows again); True when there was one."""
    potential = LinePotential.objects.filter(account=account, line=line).first()
    if potential is None:
        return False
    potential._history_user = by  # type: ignore[attr-defined]
    potential.delete()
    return True


def peer_settings_update(*, size_basis: str, size_edges: list[int], min_peers: int, by: User) -> PeerSettings:
    """How peers are found: the size measure, increasing band limits, and the fewest buying peers for an estimate."""
    if any(b <= a for a, b in itertools.pairwise(size_edges)):
        raise ValueError("Band limits must increase.")
    settings = PeerSettings.load()
    settings.size_basis, settings.size_edges, settings.min_peers = size_basis, size_edges, min_peers
    settings._history_user = by  # type: ignore[attr-defined]
    settings.save()
    return settings
