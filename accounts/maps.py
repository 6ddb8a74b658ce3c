"""The decision-maker map: an account's contacts as a reports-to tree and as an influence × attitude grid.

Everything is built in memory from one query of the account's contacts, so the map costs the same
number of queries for 5 contacts or 60. The plan PDF reuses map_roots() and templates/accounts/_map_tree.html.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from accounts.models import INFLUENCE_CHOICES, Account, Attitude, Contact, Interaction

SUPPORTIVE = {Attitude.CHAMPION, Attitude.SUPPORTER}


@dataclass
class MapNode:
    contact: Contact
    children: list[MapNode] = field(default_factory=list)


def map_contacts(*, account: Account) -> QuerySet[Contact]:
    """The account's contacts with who covers them, whom they report to and their last interaction: one query."""
    last = Interaction.objects.filter(contact=OuterRef("pk")).order_by("-occurred_on").values("occurred_on")[:1]
    return (
        Contact.objects.filter(account=account)
        .select_related("covered_by", "reports_to__account")
        .annotate(last_interaction=Subquery(last))
        .order_by("name", "pk")
    )


def _sort_key(contact: Contact) -> tuple:
    # The most influential at the top of each level. Presence is no part of the order: someone who
    # leaves stays where they were (marked "Left the company"), so their branch does not jump away.
    return (-(contact.influence or 0), contact.name.lower(), contact.pk)


def map_build(contacts: Sequence[Contact]) -> list[MapNode]:
    """The reports-to forest of these contacts; whoever reports to nobody here is a root.

    Forms refuse cycles, but a cycle written behind their back (admin, SQL) must not hide people or
    loop forever: the first person of a cycle is shown as a root.
    """
    nodes = {contact.pk: MapNode(contact) for contact in sorted(contacts, key=_sort_key)}
    roots: list[MapNode] = []
    for node in nodes.values():
        parent = nodes.get(node.contact.reports_to_id)
        (parent.children if parent is not None and parent is not node else roots).append(node)
    seen: set[int] = set()

    def visit(node: MapNode) -> None:
        stack = [node]
        while stack:
            current = stack.pop()
            seen.add(current.contact.pk)
            current.children = [child for child in current.children if child.contact.pk not in seen]
            stack.extend(current.children)

    for root in roots:
        visit(root)
    for node in nodes.values():  # only nodes of a cycle are still unseen
        if node.contact.pk not in seen:
            roots.append(node)
            visit(node)
    return roots


def map_roots(*, account: Account) -> list[MapNode]:
    return map_build(list(map_contacts(account=account)))


@dataclass(frozen=True)
class Step:
    kind: str  # "open" a nested list, "item" (one card), "end" of an item, "close" a list
    node: MapNode | None = None
    depth: int = 0


def map_walk(roots: Sequence[MapNode]) -> Iterator[Step]:
    """The tree as a flat sequence of steps, so a template draws nested lists without a recursive include."""
    if not roots:
        return
    stack: list[tuple[Sequence[MapNode], int, int]] = [(roots, 0, 0)]
    yield Step("open", depth=0)
    while stack:
        siblings, position, depth = stack.pop()
        if position == len(siblings):
            yield Step("close", depth=depth)
            if stack:
                yield Step("end", depth=depth - 1)
            continue
        node = siblings[position]
        stack.append((siblings, position + 1, depth))
        yield Step("item", node=node, depth=depth)
        if node.children:
            yield Step("open", depth=depth + 1)
            stack.append((node.children, 0, depth + 1))
        else:
            yield Step("end", depth=depth)


@dataclass
class GridRow:
    influence: int | None
    cells: list[list[Contact]]
    lacks_support: bool

    @property
    def label(self) -> str:
        return str(dict(INFLUENCE_CHOICES).get(self.influence or "", ""))


def influence_grid(contacts: Sequence[Contact]) -> list[GridRow]:
    """Active contacts by influence (5 down to unknown) and attitude; flags influential rows with no support."""
    attitudes = list(Attitude)
    rows = []
    for influence in (5, 4, 3, 2, 1, None):
        cells = [
            [c for c in contacts if c.is_active and c.influence == influence and c.attitude == attitude]
            for attitude in attitudes
        ]
        people = [c for cell in cells for c in cell]
        supportive = any(c.attitude in SUPPORTIVE for c in people)
        influential = bool(people) and influence is not None and influence >= 4
        rows.append(GridRow(influence, cells, lacks_support=influential and not supportive))
    return rows


# --- reports-to rules --------------------------------------------------------------


def group_account_ids(account: Account) -> set[int]:
    """The account's whole group (parent, siblings, subsidiaries): contacts may report across it."""
    root = account.group_root()
    return root.group_descendant_ids() | {root.pk}


def reports_to_error(*, contact: Contact, manager: Contact, group_ids: set[int]) -> str | None:
    """Why `contact` may not report to `manager`, or None when it may."""
    if manager.account_id not in group_ids:
        return _("%(manager)s works for an account outside this group.") % {"manager": manager.name}
    if contact.pk is None:
        return None
    if manager.pk == contact.pk:
        return _("A person cannot report to themselves.")
    # One query for the group's reporting lines, then walk up from the new manager.
    lines = dict(Contact.objects.filter(account_id__in=group_ids).values_list("pk", "reports_to_id"))
    current, seen = manager.pk, set()
    while current is not None and current not in seen:
        if current == contact.pk:
            return _(
                "%(contact)s cannot report to %(manager)s: %(manager)s already reports, directly or "
                "through others, to %(contact)s."
            ) % {"contact": contact.name, "manager": manager.name}
        seen.add(current)
        current = lines.get(current)
    return None
