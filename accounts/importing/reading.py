"""Read an uploaded CSV or Excel file into a frame of stripped strings, one row per data line."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.importing.errors import ImportFileError
from accounts.importing.fields import normalise_header
from accounts.importing.results import count_text, line_list

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
WORKSHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml$")
SHARED_STRINGS_PART = "xl/sharedStrings.xml"
# Opening tags of a row, a cell and a shared string, with or without a namespace prefix; each is shorter than
# the overlap kept between chunks.
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,20}:)?row[\s/>]")
CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,20}:)?c[\s/>]")
STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,20}:)?si[\s/>]")
TAG_OVERLAP = 32
# Excel's own widest sheet (A to XFD); a row with more cells is not a workbook Excel wrote.
MAX_EXCEL_COLUMNS = 16_384
# C0 controls and DEL, except tab, line feed and carriage return: a NUL stored in a name breaks exports and search.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Limits:
    """What one import may unpack to (KAM_IMPORT_* settings), checked while reading, before the rows are held."""

    uncompressed_bytes: int
    rows: int
    columns: int
    cells: int
    field_chars: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            uncompressed_bytes=settings.KAM_IMPORT_MAX_UNCOMPRESSED_BYTES,
            rows=settings.KAM_IMPORT_MAX_ROWS,
            columns=settings.KAM_IMPORT_MAX_COLUMNS,
            cells=settings.KAM_IMPORT_MAX_CELLS,
            field_chars=settings.KAM_IMPORT_MAX_FIELD_CHARS,
        )


class _Tally:
    """Counts rows and cells as they stream in and refuses the file the moment one passes its limit."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rows = 0
        self.cells = 0

    def add(self, line: int, fields: list[str] | tuple) -> None:
        self.rows += 1
        if self.rows > self.limits.rows + 1:  # + the header row
            raise ImportFileError(_too_many_rows(self.limits))
        width = len(fields)
        if width > self.limits.columns:
            width = _used_width(fields)
            if width > self.limits.columns:
                raise ImportFileError(
                    _(
                        "Line %(line)s has %(count)s columns; at most %(limit)s are accepted: "
                        "remove the columns you do not need to import."
                    )
                    % {"line": line, "count": count_text(width), "limit": count_text(self.limits.columns)}
                )
        self.cells += width
        if self.cells > self.limits.cells:
            raise ImportFileError(_too_many_cells(self.limits))


def _too_many_rows(limits: Limits) -> str:
    return _("This file holds more than %(limit)s rows: split it into files of at most %(limit)s rows each.") % {
        "limit": count_text(limits.rows)
    }


def _too_many_cells(limits: Limits) -> str:
    return _("This file holds more than %(limit)s values: split it into smaller files.") % {
        "limit": count_text(limits.cells)
    }


def _used_width(fields: list[str] | tuple) -> int:
    """Columns up to the last one with a value: exports often pad rows with empty cells."""
    width = len(fields)
    while width and (fields[width - 1] is None or not str(fields[width - 1]).strip()):
        width -= 1
    return width


def read_table(*, data: bytes, filename: str, max_bytes: int | None = None) -> pd.DataFrame:
    """Every cell as a stripped string ('' when empty), plus LINE_COLUMN: the row's 1-based line in the file."""
    limit = settings.KAM_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    if len(data) > limit:
        raise ImportFileError(
            _("The file is %(size)s MB; the largest file accepted is %(limit)s MB.")
            % {"size": _megabytes(len(data)), "limit": _megabytes(limit)}
        )
    limits = Limits.from_settings()
    suffix = Path(filename or "").suffix.lower()
    if suffix in EXCEL_SUFFIXES or (suffix in CSV_SUFFIXES and data.startswith(ZIP_MAGIC)):  # a renamed workbook
        records = _excel_records(data, limits)
    elif suffix == ".xls":
        raise ImportFileError(_("Old Excel files (.xls) cannot be read: save the sheet as .xlsx or CSV."))
    elif suffix in CSV_SUFFIXES:
        records = _csv_records(data, limits)
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
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252, else Latin-1, which decodes any byte.

    A file that is part UTF-8 and part something else is refused: decoding it either way garbles some names.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    marked = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if marked else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        _refuse_mixed_encodings(body, marked=marked)
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError:
        return body.decode("latin-1")


def _refuse_mixed_encodings(body: bytes, *, marked: bool) -> None:
    """Refuse a file whose lines are UTF-8 in places and not in others, naming one line of each kind."""
    first_utf8 = first_other = None
    for number, line in enumerate(body.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            first_other = first_other or number
        else:
            first_utf8 = first_utf8 or number
        if first_other and (first_utf8 or marked):
            break
    if first_other and marked:
        raise ImportFileError(
            _(
                "The file is marked as UTF-8 but line %(line)s is not UTF-8: save the whole file as UTF-8 "
                "and import it again."
            )
            % {"line": first_other}
        )
    if first_other and first_utf8:
        raise ImportFileError(
            _(
                "The file mixes text encodings: line %(utf8)s is UTF-8 but line %(other)s is not (probably "
                "Windows-1252), so accented letters would be garbled. Save the whole file as UTF-8 and import "
                "it again."
            )
            % {"utf8": first_utf8, "other": first_other}
        )


def _refuse_control_characters(text: str) -> None:
    if not CONTROL_CHARACTERS.search(text):
        return
    found = [number for number, line in enumerate(text.split("\n"), start=1) if CONTROL_CHARACTERS.search(line)]
    if found:
        raise ImportFileError(
            ngettext(
                "Line %(lines)s holds a control character (such as a NUL byte) that cannot be stored: "
                "remove it and import the file again.",
                "Lines %(lines)s hold control characters (such as NUL bytes) that cannot be stored: "
                "remove them and import the file again.",
                len(found),
            )
            % {"lines": line_list(found)}
        )


def _sniff_separator(text: str) -> str:
    """The separator that splits the header into most columns with the rows agreeing with it most often."""
    first = itertools.islice(io.StringIO(text, newline=None), SNIFF_LINES * 2)  # never split the whole file for a peek
    lines = [line.rstrip("\r\n") for line in first if line.strip()][:SNIFF_LINES]
    best, best_score = ",", (-1.0, 0)
    for separator in SEPARATORS:
        try:
            rows = list(csv.reader(lines, delimiter=separator))
        except csv.Error:  # a huge or broken field: reading the whole file reports it with its line
            continue
        width = len(rows[0]) if rows else 0
        if width < 2:
            continue
        agreeing = sum(len(row) == width for row in rows[1:]) / max(len(rows) - 1, 1)
        score = (agreeing, width)
        if score > best_score:
            best, best_score = separator, score
    return best


def _csv_records(data: bytes, limits: Limits) -> list[tuple[int, list[str]]]:
    text = _decode(data)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    _refuse_control_characters(text)
    separator = _sniff_separator(text)
    # The csv module stops a field at its process-wide limit; raise it (never lower it) so ours is the one that speaks.
    if csv.field_size_limit() <= limits.field_chars:
        csv.field_size_limit(limits.field_chars + 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    tally = _Tally(limits)
    records: list[tuple[int, list[str]]] = []
    width = 0
    start = 1
    try:
        for fields in reader:
            tally.add(start, fields)
            if fields and max(map(len, fields)) > limits.field_chars:
                raise ImportFileError(_field_too_long(start, limits))
            if reader.line_num > start:
                _refuse_runaway_quote(fields, start=start, end=reader.line_num, width=width, separator=separator)
            if fields:
                width = width or len(fields)
                records.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as error:
        if str(error).startswith("field larger than field limit"):
            raise ImportFileError(_field_too_long(start, limits)) from error
        raise ImportFileError(
            _("The file could not be read as CSV near line %(line)s (%(error)s).") % {"line": start, "error": error}
        ) from error
    if records and reader.line_num > records[-1][0]:
        _refuse_unclosed_quote_at_end(text, start=records[-1][0], end=reader.line_num, separator=separator)
    return records


def _field_too_long(line: int, limits: Limits) -> str:
    return _(
        "A value starting on line %(line)s is longer than %(limit)s characters: a quote may be missing, "
        "or the file is not a table."
    ) % {"line": line, "limit": count_text(limits.field_chars)}


def _unclosed_quote(start: int, end: int) -> str:
    return _(
        "The quote opened on line %(start)s is not closed where its value ends, so lines %(start)s to %(end)s "
        "would be read as one value: close the quote (or remove it) and import the file again."
    ) % {"start": start, "end": end}


def _refuse_runaway_quote(fields: list[str], *, start: int, end: int, width: int, separator: str) -> None:
    """A value spanning lines is fine (notes, addresses) unless a later line of it reads like a row of its own."""
    if width < 2:
        return
    for field in fields:
        for line in field.splitlines()[1:]:
            if len(next(csv.reader([line], delimiter=separator), [])) >= width:
                raise ImportFileError(_unclosed_quote(start, end))


def _refuse_unclosed_quote_at_end(text: str, *, start: int, end: int, separator: str) -> None:
    """The last record spans lines: a quote still open at the end of the file swallowed everything after it."""
    offset = 0
    for _line in range(start - 1):
        offset = text.index("\n", offset) + 1
    try:
        for _fields in csv.reader(io.StringIO(text[offset:], newline=""), delimiter=separator, strict=True):
            pass
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise ImportFileError(_unclosed_quote(start, end)) from error


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


def _excel_records(data: bytes, limits: Limits) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(
            _("This is not a valid Excel .xlsx file (it may be damaged, or another kind of file renamed).")
        )
    _refuse_zip_bomb(data, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.active or workbook.worksheets[0]
            # The sheet's own <dimension> may claim A1:XFD1048576; without it rows are only as long as their cells.
            sheet.reset_dimensions()
            tally = _Tally(limits)
            records = []
            controls = []
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                tally.add(number, row)
                cells = [_cell_text(value) for value in row[: _used_width(row)]]
                if any(len(cell) > limits.field_chars for cell in cells):
                    raise ImportFileError(_field_too_long(number, limits))
                if any(CONTROL_CHARACTERS.search(cell) for cell in cells):
                    controls.append(number)
                if cells:
                    records.append((number, cells))
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook; all mean the same to the user
        raise ImportFileError(
            _("The Excel file could not be read: it may be damaged or password-protected.")
        ) from error
    _refuse_control_characters_in_rows(controls)
    return records


def _refuse_control_characters_in_rows(rows: list[int]) -> None:
    if rows:
        raise ImportFileError(
            ngettext(
                "Row %(lines)s holds a control character (such as a NUL byte) that cannot be stored: "
                "remove it and import the file again.",
                "Rows %(lines)s hold control characters (such as NUL bytes) that cannot be stored: "
                "remove them and import the file again.",
                len(rows),
            )
            % {"lines": line_list(rows)}
        )


def _refuse_zip_bomb(data: bytes, limits: Limits) -> None:
    """Refuse a workbook whose parts unpack to more than the limit, from the zip directory alone.

    The sizes the directory declares are binding: zipfile stops each part at its declared size (and fails its
    checksum when more was hidden), so openpyxl can never unpack more than this sum.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
            if unpacked > limits.uncompressed_bytes:
                raise ImportFileError(
                    _(
                        "This workbook unpacks to %(size)s MB, more than the %(limit)s MB accepted: split it into "
                        "smaller files, or save the sheet as CSV."
                    )
                    % {"size": _megabytes(unpacked), "limit": _megabytes(limits.uncompressed_bytes)}
                )
            for member in archive.infolist():
                if WORKSHEET_PART.match(member.filename):
                    _refuse_oversized_sheet(archive, member, limits)
                elif member.filename == SHARED_STRINGS_PART:
                    _refuse_too_many_shared_strings(archive, member, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise ImportFileError(
            _("This is not a valid Excel .xlsx file (it may be damaged, or another kind of file renamed).")
        ) from error


def _refuse_oversized_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> None:
    """Count a sheet's rows and cells in its raw XML, a megabyte at a time, before openpyxl sees it.

    openpyxl scans a whole sheet that lacks a <dimension> before yielding its first row, keeping an element
    per row, and builds each row whole: millions of tiny rows, or one row of millions of cells, would cost
    minutes and gigabytes before the row-by-row checks could stop them.
    """
    rows = cells = row_cells = 0
    tail = b""
    with archive.open(member) as part:
        while True:
            chunk = part.read(MEGABYTE)
            text = tail + chunk
            # Cut before a tag whose name may be incomplete; it is read whole with the next chunk.
            last = text.rfind(b"<")
            cut = last if chunk and last >= max(len(text) - TAG_OVERLAP, 0) else len(text)
            text, tail = text[:cut], text[cut:]
            pieces = ROW_TAG.split(text)
            row_cells += len(CELL_TAG.findall(pieces[0]))
            for piece in pieces[1:]:
                row_cells = len(CELL_TAG.findall(piece))
                if row_cells > MAX_EXCEL_COLUMNS:
                    break
            rows += len(pieces) - 1
            cells += len(CELL_TAG.findall(text))
            if rows > limits.rows + 1:  # + the header row
                raise ImportFileError(_too_many_rows(limits))
            if cells > limits.cells:
                raise ImportFileError(_too_many_cells(limits))
            if row_cells > MAX_EXCEL_COLUMNS:
                raise ImportFileError(
                    _("This is not a valid Excel .xlsx file (it may be damaged, or another kind of file renamed).")
                )
            if not chunk:
                return


def _refuse_too_many_shared_strings(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> None:
    """openpyxl holds every shared string in memory before the first row: never more than the cells allowed."""
    count = 0
    tail = b""
    with archive.open(member) as part:
        while chunk := part.read(MEGABYTE):
            text = tail + chunk
            tail = text[-TAG_OVERLAP:]
            count += len(STRING_TAG.findall(text)) - len(STRING_TAG.findall(tail))
            if count > limits.cells:
                raise ImportFileError(_too_many_cells(limits))


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
