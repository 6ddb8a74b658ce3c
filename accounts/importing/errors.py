"""What can go wrong with an import: a whole-file problem, or a file with row errors that was not applied."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.importing.results import ImportPreview


class ImportFileError(Exception):
    """The file as a whole cannot be imported; `message` is a translated sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = str(message)

    def __str__(self) -> str:
        return self.message


class ImportRejected(Exception):
    """apply_import found row errors: nothing was written; `preview` lists every one."""

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__(f"{len(preview.errors)} rows have errors")
        self.preview = preview
