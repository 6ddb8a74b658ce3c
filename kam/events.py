"""Business events that other systems may want to hear about (webhooks), emitted explicitly by the services.

The floor offers the registry; a higher app (webhooks) registers a handler from its ready(). A service calls
`event_emit(event=..., payload=...)` inside its transaction, so what it records commits with the change.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "account.key_status_changed": _("Key status changed"),
    "account.segment_changed": _("Segment changed"),
    "override.decided": _("Override decided"),
    "plan.submitted": _("Plan submitted"),
    "plan.approved": _("Plan approved"),
    "survey.alert": _("Survey alert"),
    "review.overdue": _("Review overdue"),
    "import.finished": _("Import finished"),
}

Handler = Callable[..., None]
_handlers: list[Handler] = []


def register_event_handler(handler: Handler) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def event_emit(*, event: str, payload: dict) -> None:
    """Tell every registered handler; `payload` must be JSON (ids, codes, dates as text)."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event}")
    for handler in _handlers:
        handler(event=event, payload=payload)
