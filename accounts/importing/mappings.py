"""Saved mappings: a file whose header was mapped before is mapped the same way again."""

from __future__ import annotations

import hashlib

from accounts.importing.fields import normalise_header
from accounts.importing.options import ImportOptions
from accounts.models import ImportMapping


def header_signature(columns: list[str]) -> str:
    """One value for one header: same columns, in the same order, whatever their case, accents or spacing."""
    text = "\x1f".join(normalise_header(column) for column in columns)
    return hashlib.sha256(text.encode()).hexdigest()


def saved_mapping_find(*, user, kind: str, columns: list[str]) -> ImportMapping | None:
    """The user's own mapping of this header, else (for an administrator) the latest anyone saved."""
    found = ImportMapping.objects.visible_to(user).filter(kind=kind, header_signature=header_signature(columns))
    return found.filter(created_by=user).order_by("-updated_at").first() or found.order_by("-updated_at").first()


def saved_mapping_save(
    *,
    user,
    kind: str,
    columns: list[str],
    mapping: dict[str, str],
    options: ImportOptions,
    name: str = "",
    default_name: str = "",
) -> ImportMapping:
    """Keep the user's mapping of this header; `name` renames it, `default_name` names it if it is new."""
    kept = options.kept_json()
    signature = header_signature(columns)
    saved = ImportMapping.objects.filter(created_by=user, kind=kind, header_signature=signature).first()
    if saved is None:
        return ImportMapping.objects.create(
            created_by=user,
            kind=kind,
            header_signature=signature,
            columns=list(columns),
            mapping=mapping,
            options=kept,
            name=(name or default_name or ", ".join(columns))[:100],
        )
    saved.mapping, saved.options, saved.columns = mapping, kept, list(columns)
    if name:
        saved.name = name[:100]
    saved.save()
    return saved
