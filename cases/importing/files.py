"""Reading an upload: typed by its content, held to size and zip-bomb limits, then its rows as
(row number, cells) pairs from CSV text or the first XLSX sheet with a header row."""

import csv
import hashlib
import io
import os
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from cases.importing.errors import ImportFileError
from cases.importing.header import HEADER_SEARCH_ROWS, header_columns
from cases.importing.values import EXCEL_DIGITS
from pmks_portal import archives
from pmks_portal.textfiles import decode_spreadsheet_text

# Limits on what is accepted at all.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024

CSV, XLSX = "csv", "xlsx"
LIST_SEPARATORS = [",", ";", "\t", "|"]


def sniff_format(head: bytes) -> str:
    """CSV or XLSX, from the first bytes of the file (never from its name)."""
    if head.startswith(b"PK\x03\x04"):
        return XLSX
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("This is an old Excel file (.xls). Save it as .xlsx (Excel Workbook) or CSV.")
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return CSV  # UTF-16 text, as Excel's "Unicode Text" writes it
    if not head.strip():
        raise ImportFileError(_("The file is empty."))
    if b"\x00" in head:
        raise ImportFileError(_("This file is neither CSV text nor an Excel workbook (.xlsx)."))
    return CSV


def file_digest(upload) -> str:
    """The SHA-256 of the upload's bytes: a file uploaded again has the same digest."""
    upload.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(block)
    upload.seek(0)
    return digest.hexdigest()


def check_upload(upload) -> str:
    """The file's format, after the size, type and XLSX archive checks (else ImportFileError)."""
    size = upload.size if getattr(upload, "size", None) is not None else _size_of(upload)
    if size > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("The file is %(size)s MB; at most %(limit)s MB can be imported. Split it.")
            % {"size": round(size / 1024 / 1024, 1), "limit": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    upload.seek(0)
    fmt = sniff_format(upload.read(64 * 1024))
    upload.seek(0)
    if fmt == XLSX:
        _check_xlsx_archive(upload)
        upload.seek(0)
    return fmt


def _size_of(handle) -> int:
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(0)
    return size


def _check_xlsx_archive(handle) -> None:
    """Refuses zip bombs (pmks_portal.archives) and non-workbooks before the workbook reader
    opens anything."""
    try:
        names = {entry.filename for entry in archives.checked_entries(handle)}
    except zipfile.BadZipFile:
        raise ImportFileError(_("This Excel file is damaged; save it again.")) from None
    except archives.ArchiveTooLarge as error:
        if error.too_many_entries:
            raise ImportFileError(
                _("This workbook holds too many parts to be a spreadsheet.")
            ) from None
        raise ImportFileError(
            _("This workbook unpacks to more than %(limit)s MB; split it.")
            % {"limit": archives.MAX_UNPACKED_BYTES // 1024 // 1024}
        ) from None
    if "xl/workbook.xml" not in names:
        raise ImportFileError(
            _("This is a zip archive but not an Excel workbook: save the sheet as .xlsx or CSV.")
        )


def _delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    return max(LIST_SEPARATORS, key=first_line.count)


def read_csv(handle) -> tuple[Iterator[tuple[int, list]], int, str]:
    """(row number, cells) pairs from row 1, an estimate of the number of rows, the delimiter."""
    text = decode_spreadsheet_text(handle.read())
    delimiter = _delimiter(text)
    estimate = text.count("\n") + 1
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return enumerate(reader, start=1), estimate, delimiter


def cell_value(value) -> str | int:
    """A spreadsheet cell as text, except whole numbers, which stay exact ints.

    Dates become ISO dates. Excel keeps 15 significant digits of a number (later digits become
    0), so a whole number of 16 digits ending in 0 may have lost digits: it is written in
    scientific notation, which the NIK check names. One that ends in another digit cannot have
    passed through Excel's limit (another program wrote it exactly): it stays a whole number.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        whole = value.is_integer() and abs(value) < 2**53
        if whole and (abs(value) < 10**EXCEL_DIGITS or value % 10):
            return int(value)
        if abs(value) >= 10**EXCEL_DIGITS:
            return format(value, ".15G")
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def read_xlsx(handle) -> tuple[Iterator[tuple[int, list]], int, str]:
    """Rows of the first visible sheet that has the header row (template sheets come after the
    data). python-calamine reads a sheet in Rust, about twelve times faster than openpyxl
    (20,000 rows: 0.16 s against 2.0 s); numbers come as floats, which cell_value reads."""
    try:
        workbook = CalamineWorkbook.from_filelike(handle)
        for sheet_info in workbook.sheets_metadata:
            if sheet_info.visible != SheetVisibleEnum.Visible:
                continue
            sheet = workbook.get_sheet_by_name(sheet_info.name)
            rows = _numbered_rows(sheet)
            head = []
            for number, cells in rows:
                head.append((number, cells))
                if header_columns(cells) or len(head) >= HEADER_SEARCH_ROWS:
                    break
            if head and header_columns(head[-1][1]):
                return _chain(head, rows), sheet.total_height, ""
    except CalamineError:
        raise ImportFileError(_("This Excel file is damaged; save it again.")) from None
    return iter(()), 0, ""


def _numbered_rows(sheet) -> Iterator[tuple[int, list]]:
    """(row number as Excel shows it, cells from column A) of a sheet, one row at a time.

    iter_rows() gives every row from the first, but the columns from the first one used:
    those before it are put back, so that cells keep their places.
    """
    if sheet.start is None:  # an empty sheet
        return
    before = [""] * sheet.start[1]
    for number, values in enumerate(sheet.iter_rows(), start=1):
        yield number, before + [cell_value(value) for value in values]


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def read_table(handle, fmt: str) -> tuple[Iterator[tuple[int, list]], int, str]:
    """The rows of a file of this format, as read_csv or read_xlsx gives them."""
    return read_xlsx(handle) if fmt == XLSX else read_csv(handle)
