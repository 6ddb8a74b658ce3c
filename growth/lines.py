"""What growth does when product lines merge: potentials and whitespace marks move to the line kept."""

from __future__ import annotations

from django.db import models
from django.utils.translation import ngettext
from simple_history.utils import bulk_update_with_history

from accounts.models import ProductLine
from growth.models import LinePotential, WhitespaceMark

MERGE_REASON = "merge"


def _move(model: type[models.Model], *, sources: list[ProductLine], target: ProductLine, by) -> int:
    """Re-point the sources' rows to the target; where the account already has one there, keep the target's.

    Returns how many rows were dropped: the target's row, or the most recent of several merged lines', is kept.
    """
    kept = set(model.objects.filter(line=target).values_list("account_id", flat=True))
    moved, dropped = [], []
    for row in model.objects.filter(line__in=sources).order_by("-updated_at", "-pk"):
        if row.account_id in kept:
            dropped.append(row)
        else:
            kept.add(row.account_id)
            row.line = target
            moved.append(row)
    for row in dropped:
        row._history_user = by
        row._change_reason = MERGE_REASON
        row.delete()
    bulk_update_with_history(moved, model, ["line"], default_user=by, default_change_reason=MERGE_REASON)
    return len(dropped)


def line_merge_step(*, sources: list[ProductLine], target: ProductLine, by) -> list[str]:
    notes = []
    dropped = _move(LinePotential, sources=sources, target=target, by=by)
    if dropped:
        notes.append(
            ngettext(
                "%(count)s account already had a potential on %(line)s: that one is kept, the merged line's dropped.",
                "%(count)s accounts already had a potential on %(line)s: those are kept, the merged lines' dropped.",
                dropped,
            )
            % {"count": dropped, "line": target.name}
        )
    dropped = _move(WhitespaceMark, sources=sources, target=target, by=by)
    if dropped:
        notes.append(
            ngettext(
                "%(count)s account already had a mark on %(line)s: that one is kept, the merged line's dropped.",
                "%(count)s accounts already had a mark on %(line)s: those are kept, the merged lines' dropped.",
                dropped,
            )
            % {"count": dropped, "line": target.name}
        )
    return notes
