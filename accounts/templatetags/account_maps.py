"""Template filters of the decision-maker map."""

from __future__ import annotations

from collections.abc import Sequence

from django import template

from accounts.maps import MapNode, Step, map_walk

register = template.Library()


@register.filter
def map_steps(roots: Sequence[MapNode] | None) -> list[Step]:
    """The tree as open/item/end/close steps, so the template draws nested lists without recursion."""
    return list(map_walk(roots or []))
