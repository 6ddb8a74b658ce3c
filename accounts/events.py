"""Events on an account that higher apps act on at once (a payment issue logged, a decision maker gone).

accounts cannot import the apps above it, so they register a handler from AppConfig.ready():

    register_event_handler("health.playbooks:playbooks_on_event")

and the code where the event happens calls account_event(...) explicitly, after its own write.
Handlers are dotted names, imported on first use, and run in registration order.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from accounts.models import Account

HANDLERS: list[str] = []


def register_event_handler(handler: str) -> None:
    """Add "module:function"; it is called as function(kind=, account=, by=, **data)."""
    if handler not in HANDLERS:
        HANDLERS.append(handler)


def account_event(*, kind: str, account: Account, by: Any = None, **data: Any) -> None:
    """Tell every registered handler that `kind` happened on `account` ("interaction_logged", "contact_left")."""
    for handler in HANDLERS:
        module, function = handler.split(":")
        getattr(import_module(module), function)(kind=kind, account=account, by=by, **data)
