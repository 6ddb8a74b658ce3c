"""The main navigation: which sections each role sees.

Each app adds its entries here as its pages land. The menu only hides links;
every view still checks access itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kam.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[Role]

    def visible_to(self, user) -> bool:
        return user.has_any_role(*self.roles)


ALL_ROLES = frozenset(Role)

NAV_ITEMS: list[NavItem] = [
    NavItem(_("Worklist"), "home", ALL_ROLES),
    NavItem(_("Dashboard"), "dashboard", ALL_ROLES),
    NavItem(_("Accounts"), "accounts:list", ALL_ROLES),
    NavItem(_("Segmentation"), "scoring:runs", ALL_ROLES),
    NavItem(_("Plans"), "plans:list", ALL_ROLES),
    NavItem(_("Reviews"), "plans:reviews", ALL_ROLES),
    NavItem(_("Surveys"), "surveys:list", ALL_ROLES),
    NavItem(_("Scoring model"), "scoring:criteria", frozenset({Role.ADMINISTRATOR})),
]


def navigation_for(user, current_path: str) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if not item.visible_to(user):
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return items
