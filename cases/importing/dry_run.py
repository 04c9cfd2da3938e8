"""Without a batch: the operators' dry run of a file on disk (the import_cases command)."""

from collections.abc import Callable
from pathlib import Path

from cases.importing.files import check_upload, read_table
from cases.importing.header import Header, find_header
from cases.importing.limits import check_shape
from cases.importing.reference import load_reference
from cases.importing.rejected import rejected_csv_row, rejected_header
from cases.importing.rows import RowChecker, RowResult
from cases.importing.tally import Tally, process_rows
from pmks_portal.spreadsheets import CsvWriter
from regions.models import Region


def check_file(
    path: Path,
    *,
    regency: Region,
    on_progress: Callable[[int], None] | None = None,
    errors_out=None,
) -> tuple[Header, Tally]:
    """Checks a file on disk, saving nothing; rejected rows go to `errors_out` as CSV."""
    with path.open("rb") as handle:
        fmt = check_upload(handle)
        check_shape(handle, fmt)
        rows, _estimate, delimiter = read_table(handle, fmt)
        header, rows = find_header(rows)
        checker = RowChecker(header, load_reference(regency))
        writer = None
        if errors_out is not None:
            writer = CsvWriter(errors_out, delimiter=delimiter or ",")
            writer.writerow(rejected_header(header))

        def rejected(row: RowResult) -> None:
            if writer is not None:
                writer.writerow(rejected_csv_row(header, row.number, row.cells, row.reasons()))

        tally = process_rows(rows, checker, on_rejected=rejected, on_progress=on_progress)
    return header, tally
