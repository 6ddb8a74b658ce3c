"""Hostile or broken files: refused quickly, with a message naming the limit or the line, and nothing written."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from accounts.importing import ImportFileError, read_table
from accounts.models import Account, ImportBatch
from kam.tests.factories import UserFactory

SHEET = "xl/worksheets/sheet1.xml"
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row><c t="inlineStr"><is><t>name</t></is></c></row>'
)
SHEET_END = b"</sheetData></worksheet>"
ROW = b'<row><c t="inlineStr"><is><t>Acme</t></is></c></row>'
BOMB_ROWS = 6_000_000  # 298 MB of XML once unpacked, about 2 MB zipped


def workbook_with_rows(rows: int) -> bytes:
    """A real .xlsx whose sheet repeats one row `rows` times, streamed into the zip so the test stays light."""
    return workbook_with_sheet(_repeated(ROW, rows))


def _repeated(part: bytes, times: int):
    chunk = part * 10_000
    for _ in range(times // 10_000):
        yield chunk
    yield part * (times % 10_000)


def workbook_with_sheet(rows, extra_parts: dict[str, bytes] | None = None) -> bytes:
    """A real .xlsx (made by openpyxl) whose first sheet holds the header row then the XML `rows` yields."""
    template = io.BytesIO()
    Workbook().save(template)
    output = io.BytesIO()
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out,
    ):
        for member in source.infolist():
            if member.filename != SHEET:
                out.writestr(member, source.read(member))
                continue
            with out.open(SHEET, "w", force_zip64=True) as sheet:
                sheet.write(SHEET_START)
                for chunk in rows:
                    sheet.write(chunk)
                sheet.write(SHEET_END)
        for name, content in (extra_parts or {}).items():
            out.writestr(name, content)
    return output.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return workbook_with_rows(BOMB_ROWS)


def refusal(data: bytes, filename: str) -> str:
    with pytest.raises(ImportFileError) as error:
        read_table(data=data, filename=filename)
    return error.value.message


def measured_refusal(data: bytes, filename: str) -> tuple[str, float, int]:
    """The message, the seconds it took and the peak memory (bytes) allocated while refusing.

    Time and memory are measured on separate runs: tracing every allocation slows the code it measures.
    """
    started = time.perf_counter()
    message = refusal(data, filename)
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    try:
        refusal(data, filename)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return message, elapsed, peak


# --- Excel ---------------------------------------------------------------------------------------------------


def test_decompression_bomb_is_refused_in_under_a_second_with_little_memory(bomb):
    assert len(bomb) < 3 * 1024 * 1024

    message, elapsed, peak = measured_refusal(bomb, "accounts.xlsx")

    assert message.startswith("This workbook unpacks to 298 MB, more than the 200 MB accepted")
    assert elapsed < 1
    assert peak < 50 * 1024 * 1024


def test_decompression_bomb_uploaded_to_the_wizard_is_refused_and_nothing_is_kept(client, manager, bomb):
    client.force_login(manager)

    response = client.post("/accounts/import/", {"file": SimpleUploadedFile("accounts.xlsx", bomb), "kind": "accounts"})

    assert response.status_code == 200
    assert "This workbook unpacks to 298 MB, more than the 200 MB accepted" in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not Account.objects.exists()


def test_decompression_bomb_given_to_import_accounts_is_refused(tmp_path, bomb, db):
    UserFactory(username="root", is_superuser=True)
    path = tmp_path / "accounts.xlsx"
    path.write_bytes(bomb)

    with pytest.raises(CommandError) as error:
        call_command("import_accounts", str(path))

    assert "more than the 200 MB accepted" in str(error.value)
    assert not Account.objects.exists()


def test_workbook_with_too_many_rows_stops_streaming_at_the_row_limit(settings):
    settings.KAM_IMPORT_MAX_ROWS = 1_000
    data = workbook_with_rows(500_000)  # 26 MB of XML, below the size limit

    message, elapsed, peak = measured_refusal(data, "accounts.xlsx")

    assert message == "This file holds more than 1,000 rows: split it into files of at most 1,000 rows each."
    assert elapsed < 1
    assert peak < 50 * 1024 * 1024


def test_workbook_rows_are_counted_exactly_across_the_chunks_read(settings):
    data = workbook_with_rows(25_000)  # 1.3 MB of XML: read a megabyte at a time
    settings.KAM_IMPORT_MAX_ROWS = 24_999

    assert refusal(data, "accounts.xlsx").startswith("This file holds more than 24,999 rows")

    settings.KAM_IMPORT_MAX_ROWS = 25_000
    frame = read_table(data=data, filename="accounts.xlsx")

    assert len(frame) == 25_000


def test_workbook_row_of_a_million_cells_is_refused_before_openpyxl_builds_it():
    data = workbook_with_sheet([b"<row>", *_repeated(b"<c/>", 1_000_000), b"</row>"])

    message, elapsed, peak = measured_refusal(data, "accounts.xlsx")

    assert message.startswith("This is not a valid Excel .xlsx file")
    assert elapsed < 1
    assert peak < 50 * 1024 * 1024


def test_workbook_cell_limit_counts_the_cells_of_the_sheet(settings):
    settings.KAM_IMPORT_MAX_CELLS = 1_000

    message = refusal(workbook_with_rows(1_500), "accounts.xlsx")

    assert message == "This file holds more than 1,000 values: split it into smaller files."


def test_workbook_with_more_shared_strings_than_cells_allowed_is_refused(settings):
    settings.KAM_IMPORT_MAX_CELLS = 1_000
    strings = b"<sst>" + b"<si><t>Acme</t></si>" * 2_000 + b"</sst>"

    message = refusal(workbook_with_sheet([], {"xl/sharedStrings.xml": strings}), "accounts.xlsx")

    assert message == "This file holds more than 1,000 values: split it into smaller files."


def test_workbook_at_the_row_limit_is_read():
    workbook = Workbook()
    workbook.active.append(["name", None, None])
    for number in range(1, 1_001):
        workbook.active.append([f"Account {number}"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    frame = read_table(data=buffer.getvalue(), filename="accounts.xlsx")

    assert len(frame) == 1_000
    assert frame["name"].iloc[-1] == "Account 1000"


def test_workbook_with_too_many_columns_names_the_row_and_the_limit():
    workbook = Workbook()
    workbook.active.append([f"c{number}" for number in range(250)])
    buffer = io.BytesIO()
    workbook.save(buffer)

    message = refusal(buffer.getvalue(), "wide.xlsx")

    assert message.startswith("Line 1 has 250 columns; at most 200 are accepted")


# --- CSV -----------------------------------------------------------------------------------------------------


def test_csv_with_a_15_mb_quoted_field_is_refused_with_its_line():
    data = b'name,city\nAcme,Lyon\n"' + b"x" * (15 * 1024 * 1024) + b'",Paris\n'

    message = refusal(data, "accounts.csv")

    assert message.startswith("A value starting on line 3 is longer than 100,000 characters")


def test_csv_field_limit_comes_from_the_settings(settings):
    settings.KAM_IMPORT_MAX_FIELD_CHARS = 10

    message = refusal(b"name,city\nAcme Holding International,Lyon\n", "accounts.csv")

    assert message.startswith("A value starting on line 2 is longer than 10 characters")


def test_csv_with_10000_columns_is_refused_at_upload(client, manager):
    client.force_login(manager)
    header = ",".join(f"c{number}" for number in range(10_000))

    started = time.perf_counter()
    response = client.post(
        "/accounts/import/",
        {"file": SimpleUploadedFile("wide.csv", f"{header}\n{header}\n".encode()), "kind": "accounts"},
    )

    assert time.perf_counter() - started < 2
    assert "Line 1 has 10,000 columns; at most 200 are accepted" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_csv_with_trailing_empty_columns_beyond_the_limit_is_read():
    data = b"name,city" + b"," * 500 + b"\nAcme,Lyon" + b"," * 500 + b"\n"

    frame = read_table(data=data, filename="accounts.csv")

    assert frame[["name", "city"]].values.tolist() == [["Acme", "Lyon"]]


def test_csv_with_1_5_million_rows_is_refused_quickly():
    data = b"name\n" + b"Acme\n" * 1_500_000

    started = time.perf_counter()
    message = refusal(data, "accounts.csv")

    assert message == "This file holds more than 250,000 rows: split it into files of at most 250,000 rows each."
    assert time.perf_counter() - started < 10  # was 296 s, then a crash


def test_csv_cell_limit_comes_from_the_settings(settings):
    settings.KAM_IMPORT_MAX_CELLS = 5

    message = refusal(b"name,city\nAcme,Lyon\nBeta,Paris\n", "accounts.csv")

    assert message == "This file holds more than 5 values: split it into smaller files."


def test_mixed_utf8_and_cp1252_lines_are_refused_naming_where_it_changes():
    data = "name,city\nCafé Crème,Paris\n".encode() + "Brasserie Évian,Lyon\n".encode("cp1252")

    message = refusal(data, "accounts.csv")

    assert message.startswith("The file mixes text encodings: line 2 is UTF-8 but line 3 is not")


def test_utf8_file_with_a_bom_and_one_cp1252_line_is_refused():
    data = "\ufeffname,city\nAcme,Paris\n".encode() + "Brasserie Évian,Lyon\n".encode("cp1252")

    message = refusal(data, "accounts.csv")

    assert message.startswith("The file is marked as UTF-8 but line 3 is not UTF-8")


def test_wholly_cp1252_file_is_still_read():
    data = "name,city\nCafé Crème,Paris\nBrasserie Évian,Lyon\n".encode("cp1252")

    frame = read_table(data=data, filename="accounts.csv")

    assert frame["name"].tolist() == ["Café Crème", "Brasserie Évian"]


@pytest.mark.parametrize(
    "content",
    [
        'name,city\n"Acme,Lyon\nBeta,Paris\n',
        'name,city\n"Acme,Lyon\nBeta,Paris\n"Gamma",Nice\n',
    ],
)
def test_unterminated_quote_is_refused_with_the_line_where_it_opens(content):
    message = refusal(content.encode(), "accounts.csv")

    assert message.startswith("The quote opened on line 2 is not closed where its value ends")


def test_value_quoted_over_several_lines_is_still_read():
    data = b'name,notes\nAcme,"Call on Monday\nthen send the offer"\nBeta,none\n'

    frame = read_table(data=data, filename="accounts.csv")

    assert frame["notes"].tolist() == ["Call on Monday\nthen send the offer", "none"]
    assert frame["line"].tolist() == [2, 4]


@pytest.mark.parametrize("character", [b"\x00", b"\x07", b"\x1b", b"\x7f"])
def test_control_characters_are_refused_with_their_lines(character):
    data = b"name,city\nAcme,Lyon\nAc" + character + b"me,Paris\nBeta" + character + b",Nice\n"

    message = refusal(data, "accounts.csv")

    assert message.startswith("Lines 3, 4 hold control characters (such as NUL bytes) that cannot be stored")


def test_tabs_and_windows_line_ends_are_not_control_characters():
    frame = read_table(data=b"name\tcity\r\nAcme\tLyon\r\n", filename="accounts.csv")

    assert frame[["name", "city"]].values.tolist() == [["Acme", "Lyon"]]


def test_nul_bytes_uploaded_to_the_wizard_are_refused_and_nothing_is_kept(client, manager):
    client.force_login(manager)

    response = client.post(
        "/accounts/import/",
        {"file": SimpleUploadedFile("accounts.csv", b"name\nAc\x00me\n"), "kind": "accounts"},
    )

    assert "Line 2 holds a control character (such as a NUL byte)" in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not Account.objects.exists()


def test_upload_kept_from_before_a_limit_is_sent_back_to_the_upload_step(client, manager, settings):
    client.force_login(manager)
    batch_url = client.post(
        "/accounts/import/",
        {"file": SimpleUploadedFile("accounts.csv", b"name,city\nAcme,Lyon\nBeta,Paris\n"), "kind": "accounts"},
    ).url
    settings.KAM_IMPORT_MAX_ROWS = 1

    preview = client.get(batch_url.replace("map", "preview"), follow=True)

    assert preview.redirect_chain[-1][0] == "/accounts/import/"
    assert "This file holds more than 1 rows" in preview.content.decode()
    assert not Account.objects.exists()


def test_file_with_old_mac_line_ends_is_still_sniffed_and_read():
    frame = read_table(data=b"name;city\rAcme;Lyon\rBeta;Paris\r", filename="accounts.csv")

    assert frame[["name", "city"]].values.tolist() == [["Acme", "Lyon"], ["Beta", "Paris"]]
