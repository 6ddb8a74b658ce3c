"""The main navigation: which sections each role sees.

Each app adds its entries from its AppConfig.ready() with register_nav_item(). The menu
only hides links; every view still checks access itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

from kam.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[Role]
    order: int = 0

    def visible_to(self, user) -> bool:
        return user.has_any_role(*self.roles)


ALL_ROLES = frozenset(Role)

NAV_ITEMS: list[NavItem] = []


def register_nav_item(label: str | Promise, url_name: str, *, order: int, roles: frozenset[Role] = ALL_ROLES) -> None:
    """Add a menu entry (left to right by order); registering the same URL name twice keeps the first."""
    if any(item.url_name == url_name for item in NAV_ITEMS):
        return
    NAV_ITEMS.append(NavItem(label, url_name, frozenset(roles), order))
    NAV_ITEMS.sort(key=lambda item: item.order)


def navigation_for(user, current_path: str) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if not item.visible_to(user):
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return items
