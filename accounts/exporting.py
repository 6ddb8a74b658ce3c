"""Export of the register to CSV and XLSX, safe against formula injection.

CSV cells that a spreadsheet could read as a formula get a leading apostrophe;
XLSX cells are typed as text so no spreadsheet evaluates them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from accounts.models import Account

# OWASP's list plus the pipe (DDE) and the full-width forms some spreadsheets fold to ASCII.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "|", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\t", "\r")
# Spreadsheets skip leading blanks before parsing, so " =1+1" or "\n=1+1" still runs.
_LEADING_BLANKS = " \t\r\n\u3000"


def is_formula_like(value: object) -> bool:
    """Would a spreadsheet treat this text as a formula (after any leading blanks)?"""
    if not isinstance(value, str) or not value:
        return False
    if value.startswith(("\t", "\r")):
        return True
    return value.lstrip(_LEADING_BLANKS).startswith(FORMULA_TRIGGERS)


def safe_cell(value: object) -> object:
    """Text a spreadsheet could run as a formula gets a leading apostrophe; numbers stay numbers."""
    if is_formula_like(value):
        return "'" + value
    return value


def _headers() -> list[str]:
    return [
        _("Reference"), _("Name"), _("Parent account"), _("Lifecycle"), _("Key account"), _("Segment"),
        _("Tier"), _("Score"), _("Sector"), _("Country"), _("City"), _("Key account manager"),
        _("Service manager"), _("Executive sponsor"), _("Last year's revenue"), _("Revenue growth %"),
        _("Estimated potential"), _("Share of wallet %"), _("Untapped headroom"),
    ]  # fmt: skip


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def register_rows(accounts: QuerySet[Account]) -> Iterator[list[object]]:
    accounts = accounts.select_related("parent", "owner", "service_manager", "executive_sponsor")
    for account in accounts.iterator(chunk_size=2000):
        row = [
            account.reference or "",
            account.name,
            account.parent.name if account.parent else "",
            account.get_lifecycle_display(),
            _("yes") if account.is_key else _("no"),
            account.get_segment_display(),
            account.get_tier_display(),
            _number(account.score),
            account.sector,
            account.country.name if account.country else "",
            account.city,
            str(account.owner or ""),
            str(account.service_manager or ""),
            str(account.executive_sponsor or ""),
            _number(account.last_year_revenue),
            _number(account.revenue_growth),
            _number(account.potential),
            _number(account.share_of_wallet),
            _number(account.headroom),
        ]
        yield row


def _xlsx_cell(sheet, value: object) -> object:
    """Strings go in as text cells: openpyxl would store "=..." as a live formula."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XLSX cannot hold
    if is_formula_like(value):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def register_csv(accounts: QuerySet[Account]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a BOM so Excel reads the accents as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(_headers())
    for row in register_rows(accounts):
        writer.writerow(["" if value is None else safe_cell(value) for value in row])
    return buffer.getvalue()


def register_xlsx(accounts: QuerySet[Account]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Accounts"))
    sheet.append(_headers())
    for row in register_rows(accounts):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
