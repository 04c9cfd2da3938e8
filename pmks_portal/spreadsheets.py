"""The one writer of every CSV and XLSX file the portal produces: exports, rejected rows,
import templates, reports.

Two rules hold for every cell, whoever builds the file:

* **No formula from data** (CSV/formula injection): a text that begins with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return gets a leading apostrophe, so that a name such as
  ``=cmd|' /C calc'!A0`` or ``=HYPERLINK(...)`` is shown, never run. A dash alone and a
  negative number written as text (``-2500000.00``) are left as they are: no formula.
* **Strings stay strings**: in an XLSX every text cell is typed as a string (openpyxl would
  otherwise store a text starting with ``=`` as a formula); numbers stay numbers.

An XLSX is byte-for-byte the same for the same data: its created/modified properties are fixed
(`STAMP`, or the `stamp` given) and every zip entry carries the same time, so a rebuilt report
can be compared with the one before.

Use:

* CSV: `csv_lines(header, rows)` (text lines, BOM first), `csv_response(filename, header, rows)`,
  `CsvWriter(handle)` for a file written row by row;
* XLSX: `workbook()`, then `append(sheet, values, bold=..., text_columns=...)` with values or
  `Styled(value, fill=..., comment=...)`, then `save(book, target)` / `xlsx_bytes(book)` /
  `xlsx_response(filename, book)`; `table_response(filename, title, header, rows)` for a
  one-sheet table.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.xml.functions import tostring

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The properties' time and the zip entries' time of every workbook (the zip format's epoch).
STAMP = datetime(1980, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# A dash alone ("none", as spreadsheets are often filled in) or a negative number: no formula.
_NOT_A_FORMULA = re.compile(r"-(?:\d+(?:[.,]\d+)?)?")
_CORE_PROPERTIES = "docProps/core.xml"
BOLD = Font(bold=True)


def neutralise(value):
    """The value as a spreadsheet may read it: a text that would start a formula gets a
    leading apostrophe; anything else (numbers, None, other text) is returned as it is."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and not _NOT_A_FORMULA.fullmatch(value)
    ):
        return "'" + value
    return value


# --- CSV -------------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


class CsvWriter:
    """csv.writer with every cell neutralised: `writerow` returns what it wrote."""

    def __init__(self, handle=None, *, delimiter: str = ","):
        self._writer = csv.writer(handle if handle is not None else _Echo(), delimiter=delimiter)

    def writerow(self, row: Iterable):
        return self._writer.writerow(["" if value is None else neutralise(value) for value in row])


def csv_lines(header: list, rows: Iterable[list], *, delimiter: str = ",") -> Iterator[str]:
    """The table as CSV text, line by line: a BOM first (so that Excel reads UTF-8), then the
    header and the rows, every cell neutralised."""
    writer = CsvWriter(delimiter=delimiter)
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def csv_response(filename: str, header: list, rows: Iterable[list], *, delimiter: str = ","):
    """A streamed CSV download."""
    response = StreamingHttpResponse(
        csv_lines(header, rows, delimiter=delimiter), content_type=CSV_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- XLSX ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Styled:
    """A cell with a look: a fill colour (hex RGB) and/or a comment (text, author)."""

    value: object
    fill: str | None = None
    comment: tuple[str, str] | None = None
    bold: bool = False


def workbook(*, write_only: bool = True) -> Workbook:
    """A new workbook with no sheet yet (write-only, for long tables) or with its first sheet
    (`write_only=False`, for small files with layout such as templates)."""
    return Workbook(write_only=write_only)


def cell(sheet, value, *, text: bool = False, bold: bool = False) -> WriteOnlyCell:
    """One cell: text neutralised and typed as a string, numbers as numbers; `text` formats the
    cell as text ('@'), for NIK-like columns where a typed number must keep its digits."""
    if isinstance(value, Styled):
        made = cell(sheet, value.value, text=text, bold=bold or value.bold)
        if value.fill:
            made.fill = PatternFill("solid", fgColor=value.fill)
        if value.comment:
            made.comment = Comment(*value.comment)
        return made
    value = neutralise("" if value is None else value)
    made = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        made.data_type = "s"  # never a formula
    if text:
        made.number_format = "@"
    if bold:
        made.font = BOLD
    return made


def append(sheet, values: Iterable, *, bold: bool = False, text_columns=frozenset()) -> None:
    """Appends one row (values or Styled); positions in `text_columns` are formatted as text."""
    sheet.append(
        [
            cell(sheet, value, text=position in text_columns, bold=bold)
            for position, value in enumerate(values)
        ]
    )


def save(book: Workbook, target, *, stamp: datetime = STAMP) -> None:
    """Writes the workbook to a file-like `target`, the same bytes for the same content."""
    buffer = io.BytesIO()
    book.save(buffer)  # openpyxl stamps "modified" with the time now; replaced below
    book.properties.created = book.properties.modified = stamp
    core = tostring(book.properties.to_tree())
    with (
        zipfile.ZipFile(buffer) as made,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as fixed,
    ):
        for entry in made.infolist():
            data = core if entry.filename == _CORE_PROPERTIES else made.read(entry)
            info = zipfile.ZipInfo(entry.filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            fixed.writestr(info, data)


def xlsx_bytes(book: Workbook, *, stamp: datetime = STAMP) -> bytes:
    out = io.BytesIO()
    save(book, out, stamp=stamp)
    return out.getvalue()


def xlsx_response(filename: str, book: Workbook) -> HttpResponse:
    """An XLSX download."""
    response = HttpResponse(xlsx_bytes(book), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_workbook(title: str, header: list, rows: Iterable[list]) -> Workbook:
    """One sheet: a bold header, then the rows."""
    book = workbook()
    sheet = book.create_sheet(title)
    append(sheet, header, bold=True)
    for row in rows:
        append(sheet, row)
    return book


def table_response(filename: str, title: str, header: list, rows: Iterable[list]):
    """A one-sheet XLSX download of a table."""
    return xlsx_response(filename, table_workbook(title, header, rows))
