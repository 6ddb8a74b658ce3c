"""Read an uploaded CSV or Excel file into a frame of stripped strings, one row per data line."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.importing.errors import ImportFileError
from accounts.importing.fields import normalise_header
from accounts.importing.results import line_list

# The column holding each row's line number in the file; the wizard hides it from the mapping.
LINE_COLUMN = "line"
CSV_SUFFIXES = {".csv", ".txt", ".tsv", ""}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
SEPARATORS = (",", ";", "\t", "|")
SNIFF_LINES = 50
# Exports that forget to quote addresses ("24, place Kléber") put the extra fields in that column.
ADDRESS_HEADER = re.compile(r"address|adresse|street|strasse|^rue|rue$")
MISSING_MARKERS = ("NULL",)
MEGABYTE = 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"


def read_table(*, data: bytes, filename: str, max_bytes: int | None = None) -> pd.DataFrame:
    """Every cell as a stripped string ('' when empty), plus LINE_COLUMN: the row's 1-based line in the file."""
    limit = settings.KAM_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    if len(data) > limit:
        raise ImportFileError(
            _("The file is %(size)s MB; the largest file accepted is %(limit)s MB.")
            % {"size": _megabytes(len(data)), "limit": _megabytes(limit)}
        )
    suffix = Path(filename or "").suffix.lower()
    if suffix in EXCEL_SUFFIXES or (suffix in CSV_SUFFIXES and data.startswith(ZIP_MAGIC)):  # a renamed workbook
        records = _excel_records(data)
    elif suffix == ".xls":
        raise ImportFileError(_("Old Excel files (.xls) cannot be read: save the sheet as .xlsx or CSV."))
    elif suffix in CSV_SUFFIXES:
        records = _csv_records(data)
    else:
        raise ImportFileError(
            _("“%(name)s” is not a file that can be imported: use a CSV (.csv, .txt) or an Excel (.xlsx) file.")
            % {"name": filename}
        )
    return _frame(records)


def _megabytes(size: int) -> str:
    value = float(f"{size / MEGABYTE:.3g}")
    return str(int(value)) if value.is_integer() else formats.number_format(value)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252, else Latin-1, which decodes any byte."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _sniff_separator(text: str) -> str:
    """The separator that splits the header into most columns with the rows agreeing with it most often."""
    lines = [line for line in text.splitlines()[: SNIFF_LINES * 2] if line.strip()][:SNIFF_LINES]
    best, best_score = ",", (-1.0, 0)
    for separator in SEPARATORS:
        rows = list(csv.reader(lines, delimiter=separator))
        width = len(rows[0]) if rows else 0
        if width < 2:
            continue
        agreeing = sum(len(row) == width for row in rows[1:]) / max(len(rows) - 1, 1)
        score = (agreeing, width)
        if score > best_score:
            best, best_score = separator, score
    return best


def _csv_records(data: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(data)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_separator(text))
    records = []
    start = 1
    try:
        for fields in reader:
            records.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(
            _("The file could not be read as CSV near line %(line)s (%(error)s).") % {"line": start, "error": error}
        ) from error
    return records


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _excel_records(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(
            _("This is not a valid Excel .xlsx file (it may be damaged, or another kind of file renamed).")
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.active or workbook.worksheets[0]
            records = [
                (number, [_cell_text(value) for value in row])
                for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
        finally:
            workbook.close()
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook; all mean the same to the user
        raise ImportFileError(
            _("The Excel file could not be read: it may be damaged or password-protected.")
        ) from error
    return records


def _header_names(cells: list[str]) -> list[str]:
    names: list[str] = []
    taken = {LINE_COLUMN}
    for position, cell in enumerate(cells, start=1):
        base = cell.strip().lstrip("\ufeff").strip() or _("Column %(number)s") % {"number": position}
        name, copy = base, 1
        while name in taken:
            copy += 1
            name = f"{base} ({copy})"
        taken.add(name)
        names.append(name)
    return names


def _frame(records: list[tuple[int, list[str]]]) -> pd.DataFrame:
    filled = [index for index, (_line, fields) in enumerate(records) if any(field.strip() for field in fields)]
    if not filled:
        raise ImportFileError(_("The file is empty."))
    header_cells = records[filled[0]][1]
    while header_cells and not header_cells[-1].strip():
        header_cells = header_cells[:-1]
    header = _header_names(header_cells)
    width = len(header)
    address = next((i for i, name in enumerate(header) if ADDRESS_HEADER.search(normalise_header(name))), None)

    lines: list[int] = []
    rows: list[list[str]] = []
    ragged: list[int] = []
    for line, fields in records[filled[0] + 1 :]:
        extra = len(fields) - width
        if extra > 0 and not any(field.strip() for field in fields[width:]):
            fields, extra = fields[:width], 0
        if extra > 0:
            if address is None:
                ragged.append(line)
                continue
            joined = ", ".join(part.strip() for part in fields[address : address + extra + 1])
            fields = fields[:address] + [joined] + fields[address + extra + 1 :]
        elif extra < 0:
            fields = fields + [""] * -extra
        lines.append(line)
        rows.append(fields)
    if ragged:
        raise ImportFileError(
            ngettext(
                "Line %(lines)s has more values than the header has columns: put quotes around values that "
                "contain the separator.",
                "Lines %(lines)s have more values than the header has columns: put quotes around values that "
                "contain the separator.",
                len(ragged),
            )
            % {"lines": line_list(ragged)}
        )

    frame = pd.DataFrame(rows, columns=header, dtype=str)
    for column in header:
        frame[column] = frame[column].str.strip().replace(list(MISSING_MARKERS), "")
    frame.insert(0, LINE_COLUMN, lines)
    frame = frame[(frame[header] != "").any(axis=1)].reset_index(drop=True)
    if frame.empty:
        raise ImportFileError(_("The file has a header row but no data."))
    return frame
