"""Texts stored as an id with parameters, written out when read, in the reader's language.

A stored notification keeps `{"key": ..., "params": {...}}` rather than an English sentence.
Each app registers its sentences (lazy gettext strings with named placeholders) in its
`texts.py`; they are looked up when the text is shown, so a French reader reads French
whatever language was active when the event happened.

A parameter is a plain value (text, number), a date (`{"date": "2026-12-03"}`, written in the
reader's short date format), another text reference (`{"key": ..., "params": ..., "lower": true}`),
or a list of them (`{"items": [...], "sep": "; "}`).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Choices
from django.utils import formats
from django.utils.dateparse import parse_date
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import get_language

logger = logging.getLogger(__name__)


class TextRef(TypedDict):
    key: str
    params: dict[str, Any]


_REGISTRY: dict[str, str | Promise] = {}
_discovered = False


def register_text(key: str, text: str | Promise) -> str:
    """Name a sentence (a `gettext_lazy` string with `%(name)s` placeholders); returns the key.

    For a sentence with plural forms, register `ngettext_lazy(singular, plural, "count")`:
    the form is chosen from the `count` parameter, in the reader's language.
    Registering the same key twice keeps the last text (a module reloaded in development).
    """
    _REGISTRY[key] = text
    return key


def register_choices(prefix: str, choices: type[Choices]) -> None:
    """Each label of a choices class as a text `<prefix>.<value>`, to name a status or a type in a sentence."""
    for value, label in choices.choices:
        register_text(f"{prefix}.{value}", label)


def text_ref(key: str, /, *, lower: bool = False, **params: Any) -> dict[str, Any]:
    """A reference to a registered text with its parameters, as JSON to store."""
    ref: dict[str, Any] = {"key": key, "params": {name: _stored(value) for name, value in params.items()}}
    if lower:
        ref["lower"] = True
    return ref


def text_list(items: list[Any], *, sep: str = "; ") -> dict[str, Any]:
    """Several parameters written one after the other (each may be a text reference)."""
    return {"items": [_stored(item) for item in items], "sep": sep}


def text_date(day: date) -> dict[str, str]:
    return {"date": day.isoformat()}


def _stored(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"date": value.date().isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Promise):
        raise TypeError("Store a lazy text through register_text and text_ref, not as a parameter.")
    if value is None or isinstance(value, (str, int, float, bool, dict)):
        return value
    return str(value)  # a user, an account: its name as it reads now


def is_known(key: str) -> bool:
    return _entry(key) is not None


def _entry(key: str) -> str | Promise | None:
    global _discovered
    if key not in _REGISTRY and not _discovered:
        _discovered = True
        autodiscover_modules("texts")
    return _REGISTRY.get(key)


def text_render(ref: dict[str, Any] | None, *, fallback: str = "") -> str:
    """The referenced text in the active language; `fallback` when the key is unknown or a parameter misses."""
    if not ref or not ref.get("key"):
        return fallback
    try:
        return _render(ref)
    except (KeyError, TypeError, ValueError) as error:
        logger.warning("Text %s not rendered (%s); the stored text is shown.", ref.get("key"), error)
        return fallback


def _render(ref: dict[str, Any]) -> str:
    template = _entry(ref["key"])
    if template is None:
        raise KeyError(ref["key"])
    params = {name: _param(value) for name, value in (ref.get("params") or {}).items()}
    # Only fill a template given parameters: a label may hold a bare "%" ("Share of wallet (%)").
    text = str(template % params) if params else str(template)
    return text.lower() if ref.get("lower") else text


def _param(value: Any) -> Any:
    if isinstance(value, dict):
        if "key" in value:
            return _render(value)
        if "date" in value:
            day = parse_date(str(value["date"]))
            return formats.date_format(day, "SHORT_DATE_FORMAT") if day else value["date"]
        if "items" in value:
            return str(value.get("sep", "; ")).join(str(_param(item)) for item in value["items"])
        raise ValueError("unknown parameter shape")
    if isinstance(value, float):
        return formats.number_format(value, decimal_pos=None if value != int(value) else 0, use_l10n=True)
    return value


def bilingual(base: str, french: str) -> str:
    """A text stored in both languages, in the active one: the French when reading French, else the base
    (the site's default language); either falls back to the other when empty."""
    if (get_language() or "").startswith("fr"):
        return french or base
    return base or french
