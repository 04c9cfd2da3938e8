"""Files kept with a batch: the rows as the check read them and the rejected rows (JSON lines),
and the rejected rows as CSV or XLSX, with a reason per column, for staff to fix and upload."""

import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import openpyxl
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from cases.importing.files import read_table
from cases.importing.header import REASON_COLUMN, SOURCE_ROW_COLUMN, Header, column_label
from cases.importing.rows import RowResult
from cases.models import ImportBatch


def derived_name(batch: ImportBatch, suffix: str) -> str:
    """The storage name of a file kept with the batch: the upload's name with this suffix."""
    base, _ext = os.path.splitext(batch.file.name)
    return f"{base}.{suffix}"


def store_file(name: str, path: Path) -> str:
    """Puts a finished temporary file into storage under `name`, replacing an older one."""
    if default_storage.exists(name):
        default_storage.delete(name)
    with path.open("rb") as handle:
        return default_storage.save(name, File(handle))


class JsonLines:
    """A temporary JSON-lines file, written as rows go by."""

    def __init__(self, directory: str, name: str):
        self.path = Path(directory) / name
        self.handle = self.path.open("w", encoding="utf-8")
        self.count = 0

    def write(self, item) -> None:
        self.handle.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
        self.handle.write("\n")
        self.count += 1

    def close(self) -> None:
        self.handle.close()


def rejected_item(row: RowResult) -> list:
    """A rejected row as one JSON line: number, kind, original cells, (column, reason) pairs."""
    return [row.number, row.kind, row.cells, row.reasons()]


def stored_rows(batch: ImportBatch) -> Iterator[tuple[int, list]]:
    """The data rows as the check read them (or the original file, if that copy is gone)."""
    name = batch.summary.get("files", {}).get("rows")
    if name and default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            for line in handle:
                number, cells = json.loads(line)
                yield number, cells
        return
    header_row = batch.summary["header"]["row"]
    with batch.file.open("rb") as handle:
        rows, _estimate, _delimiter = read_table(handle, batch.summary["format"])
        for number, cells in rows:
            if number > header_row:
                yield number, cells


def rejected_rows(batch: ImportBatch) -> Iterator[tuple[int, str, list, list]]:
    """(row number, kind, original cells, [(column, reason)]) of the batch's rejected rows."""
    name = batch.summary.get("files", {}).get("rejected")
    if not name or not default_storage.exists(name):
        return
    with default_storage.open(name, "rb") as handle:
        for line in handle:
            number, kind, cells, reasons = json.loads(line)
            yield number, kind, cells, reasons


def _reason_text(header: Header, reasons: list) -> str:
    return "; ".join(
        f"{column_label(header, column)}: {message}" if column else message
        for column, message in reasons
    )


def _csv_safe(value) -> str:
    """No cell starts a formula when the file is opened in a spreadsheet (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "@", "\t", "\r") or (
        text[:1] == "-" and len(text) > 1 and not text[1].isdigit() and text[1] != " "
    ):
        return "'" + text
    return text


def rejected_header(header: Header) -> list[str]:
    """The header of a rejected-rows file: the upload's, then the source row and the reasons."""
    return header.cells + [SOURCE_ROW_COLUMN, REASON_COLUMN]


def rejected_csv_row(header: Header, number: int, cells: list, reasons: list) -> list:
    """A rejected row as CSV cells: as many cells as the header (none starts a formula), then
    its row number in the upload and its reasons."""
    width = len(header.cells)
    cells = (list(cells) + [""] * width)[:width]
    return [_csv_safe(cell) for cell in cells] + [number, _csv_safe(_reason_text(header, reasons))]


def rejected_csv_lines(batch: ImportBatch) -> Iterator[str]:
    """The rejected rows as CSV text (UTF-8 with BOM, the upload's delimiter), line by line."""
    header = Header.from_json(batch.summary["header"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=batch.summary.get("delimiter") or ",")

    def line(cells) -> str:
        writer.writerow(cells)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield "\ufeff" + line(rejected_header(header))
    for number, _kind, cells, reasons in rejected_rows(batch):
        yield line(rejected_csv_row(header, number, cells, reasons))


def write_rejected_xlsx(batch: ImportBatch, target) -> int:
    """The rejected rows as a workbook: failing cells shaded, with the reason as a comment."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    header = Header.from_json(batch.summary["header"])
    width = len(header.cells)
    text_columns = {
        header.columns[c] for c in ("nik", "no_kk", "kode_wilayah") if c in header.columns
    }
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    bold = Font(bold=True)
    shade = PatternFill("solid", fgColor="FFC7CE")
    author = _("PMKS portal")

    def text_cell(value, position=None):
        cell = WriteOnlyCell(sheet, value="" if value is None else value)
        if isinstance(cell.value, str):
            cell.data_type = "s"  # never a formula
        if position in text_columns:
            cell.number_format = "@"
        return cell

    titles = []
    for title in rejected_header(header):
        cell = text_cell(title)
        cell.font = bold
        titles.append(cell)
    sheet.append(titles)
    count = 0
    for number, _kind, cells, reasons in rejected_rows(batch):
        cells = (list(cells) + [""] * width)[:width]
        by_column: dict[int, list[str]] = {}
        for column, message in reasons:
            position = header.columns.get(column)
            if position is not None:
                by_column.setdefault(position, []).append(message)
        row = []
        for position, value in enumerate(cells):
            if position in text_columns and isinstance(value, int):
                value = str(value)
            cell = text_cell(value, position)
            if position in by_column:
                cell.fill = shade
                cell.comment = Comment("\n".join(by_column[position]), author)
            row.append(cell)
        row.append(number)
        row.append(text_cell(_reason_text(header, reasons)))
        sheet.append(row)
        count += 1
    workbook.save(target)
    return count
