"""Case import from the spreadsheets dinsos staff keep (CSV or XLSX), in two steps.

1. Check: the upload is typed by its content (CSV text or an XLSX zip), held to a size limit and,
   for XLSX, to an uncompressed-size and entry-count limit before python-calamine opens it. Every
   row is validated in Python against reference data loaded in bulk (categories, regions, open
   cases; registered NIKs by chunked IN lookups). The outcome is kept: counts and samples in
   ``ImportBatch.summary``, the rows as read (JSON lines, so an XLSX is parsed only once), and
   the rejected rows with a reason per column, for the file staff download, fix and upload again.
2. Commit: the rows are checked again against the registry as it is then, and the valid ones are
   written with bulk inserts (persons, cases, their first status change, pasung records, one
   audit event per record and one for the batch) in ONE transaction: all or nothing.

Rules are those of the services: NIK and KK structure by ``cases.nik``, the place-in-regency
check and the programme of a category by ``cases.services``, field lengths from the models.

Decisions (issue #3 point 8):

* A NIK registered in the same regency: the row becomes a new case of that person, whose record
  the spreadsheet does not change; it is a duplicate when that person already has an open case
  (not resolved or closed) in the same category. A NIK registered in another regency is an error,
  which does not say which regency.
* A row without NIK duplicates an open case of the regency whose person has no NIK and the same
  name, birth date and category.
* Within the file a row repeats an earlier one with the same NIK and category (without NIK: same
  name, sex, birth date and category). The same NIK with two categories is one person with two
  cases; the same NIK under another name is an error.
* A row whose region lies in another regency is rejected, never moved.
* Warnings (NIK digits against sex and birth date, a registered NIK under another name, a NIK
  stored as a number) do not block a row; committing the batch, after ticking that the warnings
  were read, is the confirmation the person form asks for.
* Rows no longer valid at commit time are left out and join the rejected rows.

A province-wide file (issue #15) is uploaded by the provincial office without a regency: its
rows are routed to their regency/city by the region code and each regency's share becomes a
part, a batch of that regency checked and saved by the same code, all parts in one transaction
(``province``). A file whose bytes or rows were saved before is refused before any row is
checked (``checking``).

The modules, from the bottom up: ``errors`` (ImportFileError), ``values`` (what a cell may say),
``header`` (columns and the header row), ``files`` (upload checks, reading CSV/XLSX),
``reference`` (what rows are checked against), ``rows`` (one row checked), ``rejected`` (files
kept with a batch, rejected rows as CSV/XLSX), ``kept`` (a file's rows read once, and their
digest), ``tally`` (rows checked chunk by chunk, and their counts), ``writer`` (bulk inserts at
commit), ``progress``, ``checking`` and ``committing`` (one regency's batch), ``province`` (a
province-wide file), ``template`` (the XLSX template), ``service`` (the batch services the
pages, tasks and commands call) and ``dry_run`` (a file checked without a batch). This
package re-exports what views, tasks, commands and tests use.
"""

from cases.importing.dry_run import check_file
from cases.importing.errors import ImportFileError
from cases.importing.files import CSV, XLSX, cell_value, sniff_format
from cases.importing.header import COLUMNS, HEADER_LOOKUP, REQUIRED_COLUMNS, normalise_header
from cases.importing.kept import MAX_ROWS
from cases.importing.limits import check_request_size
from cases.importing.progress import current_progress
from cases.importing.rejected import rejected_csv_lines, rejected_rows, write_rejected_xlsx
from cases.importing.service import (
    import_batch_check,
    import_batch_commit,
    import_batch_commit_request,
    import_batch_create,
    import_batch_recheck,
)
from cases.importing.tally import SAMPLE_ROWS, summary_lines
from cases.importing.template import template_workbook
from cases.importing.values import parse_date, region_code

__all__ = [
    "COLUMNS",
    "CSV",
    "HEADER_LOOKUP",
    "MAX_ROWS",
    "REQUIRED_COLUMNS",
    "SAMPLE_ROWS",
    "XLSX",
    "ImportFileError",
    "cell_value",
    "check_request_size",
    "check_file",
    "current_progress",
    "import_batch_check",
    "import_batch_commit",
    "import_batch_commit_request",
    "import_batch_create",
    "import_batch_recheck",
    "normalise_header",
    "parse_date",
    "region_code",
    "rejected_csv_lines",
    "rejected_rows",
    "sniff_format",
    "summary_lines",
    "template_workbook",
    "write_rejected_xlsx",
]
