"""The import engine: read a CSV or Excel file, map its columns, preview every problem, apply all or nothing."""

from accounts.importing.errors import ImportFileError, ImportRejected
from accounts.importing.fields import FIELDS, FieldSpec, ImportKind, guess_mapping
from accounts.importing.reading import LINE_COLUMN, read_table
from accounts.importing.results import ImportPreview, ImportResult, RowError
from accounts.importing.services import apply_import, preview_import

__all__ = [
    "FIELDS",
    "LINE_COLUMN",
    "FieldSpec",
    "ImportFileError",
    "ImportKind",
    "ImportPreview",
    "ImportRejected",
    "ImportResult",
    "RowError",
    "apply_import",
    "guess_mapping",
    "preview_import",
    "read_table",
]
