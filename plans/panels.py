"""The plan page's extra panels: a registry apps above plans fill, so plans shows them without importing them.

    register_plan_panel("sharing", order=10, template="sharing/_plan_panel.html", build=plan_share_panel)

build(request, plan) returns the template's context, or None to hide the panel. Panels show
below the plan's own sections, by `order`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from plans.models import AccountPlan

PanelBuilder = Callable[[HttpRequest, AccountPlan], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    build: PanelBuilder


@dataclass(frozen=True)
class BuiltPanel:
    key: str
    template: str
    context: dict[str, Any]


PANELS: dict[str, Panel] = {}


def register_plan_panel(key: str, *, order: int, template: str, build: PanelBuilder) -> None:
    """Add a panel to the plan page; build(request, plan) returns its context or None."""
    PANELS[key] = Panel(key, order, template, build)


def plan_panels(*, request: HttpRequest, plan: AccountPlan) -> list[BuiltPanel]:
    built = []
    for panel in sorted(PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.build(request, plan)
        if context is not None:
            built.append(BuiltPanel(panel.key, panel.template, context))
    return built
