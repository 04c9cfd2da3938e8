"""Files kept with a batch: the rows as the check read them and the rejected rows (JSON lines),
and the rejected rows as CSV or XLSX, with a reason per column, for staff to fix and upload."""

import json
import os
from collections.abc import Iterator
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from cases.importing.files import read_table
from cases.importing.header import REASON_COLUMN, SOURCE_ROW_COLUMN, Header, column_label
from cases.importing.rows import RowResult
from cases.models import ImportBatch
from pmks_portal import spreadsheets

# Cells whose value was refused, as spreadsheets mark errors (Excel's "light red fill").
REJECTED_FILL = "FFC7CE"


def derived_name(batch: ImportBatch, suffix: str) -> str:
    """The storage name of a file kept with the batch: the upload's name with this suffix (and,
    for a regency's part of a province-wide upload, which shares its file, the regency's code)."""
    base, _ext = os.path.splitext(batch.file.name)
    if batch.parent_id:
        base = f"{base}.{batch.regency_id}"
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


def rejected_header(header: Header) -> list[str]:
    """The header of a rejected-rows file: the upload's, then the source row and the reasons."""
    return header.cells + [SOURCE_ROW_COLUMN, REASON_COLUMN]


def rejected_csv_row(header: Header, number: int, cells: list, reasons: list) -> list:
    """A rejected row as CSV cells: as many cells as the header, then its row number in the
    upload and its reasons (the writer keeps any of them from starting a formula)."""
    width = len(header.cells)
    cells = (list(cells) + [""] * width)[:width]
    return [*cells, number, _reason_text(header, reasons)]


def rejected_csv_lines(batch: ImportBatch) -> Iterator[str]:
    """The rejected rows as CSV text (UTF-8 with BOM, the upload's delimiter), line by line."""
    header = Header.from_json(batch.summary["header"])
    rows = (
        rejected_csv_row(header, number, cells, reasons)
        for number, _kind, cells, reasons in rejected_rows(batch)
    )
    return spreadsheets.csv_lines(
        rejected_header(header), rows, delimiter=batch.summary.get("delimiter") or ","
    )


def write_rejected_xlsx(batch: ImportBatch, target) -> int:
    """The rejected rows as a workbook: failing cells shaded, with the reason as a comment."""
    header = Header.from_json(batch.summary["header"])
    width = len(header.cells)
    text_columns = {
        header.columns[c] for c in ("nik", "no_kk", "kode_wilayah") if c in header.columns
    }
    workbook = spreadsheets.workbook()
    sheet = workbook.create_sheet("data")
    author = _("PMKS portal")
    spreadsheets.append(sheet, rejected_header(header), bold=True)
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
            if position in by_column:
                value = spreadsheets.Styled(
                    value, fill=REJECTED_FILL, comment=("\n".join(by_column[position]), author)
                )
            row.append(value)
        spreadsheets.append(
            sheet, [*row, number, _reason_text(header, reasons)], text_columns=text_columns
        )
        count += 1
    spreadsheets.save(workbook, target)
    return count
