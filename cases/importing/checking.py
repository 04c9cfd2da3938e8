"""The check of a batch: its file read once (kept rows), recognised if it was imported before,
then every row checked against the registry; the counts and samples go to the batch."""

import tempfile
from contextlib import contextmanager

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cases.importing.errors import ImportFileError
from cases.importing.files import read_table
from cases.importing.header import find_header
from cases.importing.kept import KeptRows, keep_rows
from cases.importing.progress import reporter
from cases.importing.reference import load_reference
from cases.importing.rejected import JsonLines, derived_name, rejected_item, store_file
from cases.importing.rows import RowChecker
from cases.importing.tally import Tally, process_rows
from cases.models import ImportBatch


def _earlier_import(batch: ImportBatch, key: str, digest: str | None) -> ImportBatch | None:
    """A saved import of the same regency/city (or of the province) with this digest."""
    if not digest:
        return None
    return (
        ImportBatch.objects.filter(
            regency_id=batch.regency_id,
            status=ImportBatch.Status.COMMITTED,
            **{f"summary__{key}": digest},
        )
        .exclude(pk=batch.pk)
        .order_by("-finished_at")
        .first()
    )


def _refuse_if_imported(earlier: ImportBatch | None) -> None:
    if earlier is not None:
        raise ImportFileError(
            _(
                "This file was imported before: import %(batch)s, saved on %(date)s with "
                "%(rows)s cases. Nothing was checked; upload a file with new rows."
            )
            % {
                "batch": earlier.parent_id or earlier.pk,
                "date": formats.date_format(timezone.localtime(earlier.finished_at)),
                "rows": formats.number_format(earlier.committed_rows),
            }
        )


def refuse_a_file_imported_before(batch: ImportBatch) -> None:
    """The same bytes saved before for this regency/city: said at once, nothing read."""
    _refuse_if_imported(_earlier_import(batch, "sha256", batch.summary.get("sha256")))


def refuse_rows_imported_before(batch: ImportBatch, rows_digest: str) -> None:
    """The same rows saved before in other bytes (saved again with another delimiter or blank
    lines; or a regency's share of a province-wide file): said before any row is checked."""
    _refuse_if_imported(_earlier_import(batch, "rows_sha256", rows_digest))


@contextmanager
def file_rows(batch: ImportBatch):
    """The upload's header, delimiter and rows after the header (read while the block runs)."""
    with batch.file.open("rb") as handle:
        rows, _estimate, delimiter = read_table(handle, batch.summary["format"])
        header, rows = find_header(rows)
        yield header, delimiter, rows


def read_file(batch: ImportBatch, directory: str) -> KeptRows:
    """The batch's upload read once: its header and its non-blank data rows, kept."""
    with file_rows(batch) as (header, delimiter, rows):
        return keep_rows(rows, header, delimiter, directory, "rows.jsonl")


def check_batch(batch: ImportBatch) -> None:
    """A regency/city's batch: read, recognised if imported before, every row checked."""
    refuse_a_file_imported_before(batch)
    with tempfile.TemporaryDirectory() as directory:
        kept = read_file(batch, directory)
        refuse_rows_imported_before(batch, kept.digest)
        check_rows(batch, kept, on_progress=reporter(batch.pk, kept.count, write_row=True))


def check_rows(batch: ImportBatch, kept: KeptRows, *, on_progress=None) -> Tally:
    """Checks kept rows (a file's, or a regency's share of a province-wide file) for the
    batch's regency/city; stores the rows and the rejected ones with the batch, and the counts."""
    checker = RowChecker(kept.header, load_reference(batch.regency))
    with tempfile.TemporaryDirectory() as directory:
        rejected = JsonLines(directory, "rejected.jsonl")
        try:
            tally = process_rows(
                kept.rows(),
                checker,
                on_rejected=lambda row: rejected.write(rejected_item(row)),
                on_progress=on_progress,
            )
        finally:
            rejected.close()
        if tally.total == 0:
            raise ImportFileError(_("The file has a header row but no data rows."))
        files = {
            "rows": store_file(derived_name(batch, "rows.jsonl"), kept.path),
            "rejected": store_file(derived_name(batch, "rejected.jsonl"), rejected.path),
        }
    save_check(batch, kept, tally, files)
    return tally


def save_check(batch: ImportBatch, kept: KeptRows, tally: Tally, files: dict) -> None:
    """The batch checked: its counts, samples and kept files recorded."""
    summary = dict(batch.summary)
    summary.update(
        {
            "delimiter": kept.delimiter,
            "header": kept.header.as_json(),
            "rows_sha256": kept.digest,
            "files": files,
            "counts": tally.counts(),
            "problems": tally.problems,
            "warnings": tally.warnings,
            "preview": tally.preview,
            "checked_at": timezone.now().isoformat(),
        }
    )
    batch.summary = summary
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.CHECKED,
        progress=100,
        total_rows=tally.total,
        valid_rows=tally.valid,
        error_rows=tally.errors,
        duplicate_rows=tally.duplicates,
        summary=summary,
        failure="",
        finished_at=timezone.now(),
    )
