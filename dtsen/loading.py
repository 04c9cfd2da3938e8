"""Loading a DTSEN extract: every row checked first, then all rows in one transaction with the
worklist they give, or nothing at all (issue #15: "all or nothing").

Speed (issue #15: at least 10,000 rows/s): the checks are plain Python over each row (no query
per row: the province's village codes are one set), the rows go in with bulk_create in batches of
BATCH_SIZE, and the worklist is computed from a handful of set-based queries (dtsen/worklist.py).
bench/dtsen_bench.py measures it.
"""

import logging
import time

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.demo.writing import CopyWriter, OrmWriter
from cases.importing.errors import ImportFileError
from cases.importing.files import read_table
from dtsen import dispatch, reading, selectors, worklist
from dtsen.models import Entry, Extract
from pmks_portal import cache
from regions.models import Level, Region

logger = logging.getLogger("pmks.dtsen")

BATCH_SIZE = 10_000
PROGRESS_EVERY = 5000
# The problems kept for the page; the count says how many rows had one.
MAX_ERRORS = 200
# The share of the progress bar the checks take; the insert and the worklist take the rest.
CHECKED_AT = 60


def progress_key(extract_id: int) -> str:
    return f"dtsen-progress:{extract_id}"


def current_progress(extract: Extract) -> int:
    """While the load's transaction runs, its progress is in the cache, not yet in the row."""
    if extract.status == Extract.Status.LOADING:
        cached = cache.get(progress_key(extract.pk))
        if cached is not None:
            return max(int(cached), extract.progress)
    return extract.progress


def _report(extract_id: int, percent: int) -> None:
    cache.set(progress_key(extract_id), percent, 3600)


def _fail(extract: Extract, message: str, problems: list | None = None, error_rows: int = 0):
    Extract.objects.filter(pk=extract.pk).update(
        status=Extract.Status.FAILED,
        failure=message,
        errors=problems or [],
        error_rows=error_rows,
        progress=0,
        loaded_at=timezone.now(),
    )
    cache.delete(progress_key(extract.pk))


def extract_load(extract_id: int) -> Extract | None:
    """Checks and loads a waiting extract; one another worker holds, or that moved on, is left
    alone (the task may be delivered twice)."""
    if not dispatch.claim(extract_id):
        return None
    extract = Extract.objects.get(pk=extract_id)
    started = time.perf_counter()
    with dispatch.heartbeat(extract_id):
        try:
            rows, total = _checked_rows(extract)
        except ImportFileError as error:
            _fail(extract, str(error))
            return extract
        except _Invalid as invalid:
            _fail(
                extract,
                _("%(count)s of %(total)s rows have errors; nothing was loaded. Correct them.")
                % {"count": invalid.error_rows, "total": invalid.total},
                invalid.problems,
                invalid.error_rows,
            )
            return extract
        checked = time.perf_counter() - started
        _load(extract, rows, total, started)
    logger.info(
        "dtsen extract %s loaded: %s rows in %.2f s (checks %.2f s)",
        extract.pk,
        total,
        extract.seconds or 0,
        checked,
    )
    return extract


class _Invalid(Exception):
    def __init__(self, problems: list[dict], error_rows: int, total: int):
        super().__init__("invalid rows")
        self.problems, self.error_rows, self.total = problems, error_rows, total


def _checked_rows(extract: Extract) -> tuple[list[dict], int]:
    """Every row's values, or _Invalid with the first MAX_ERRORS problems."""
    with extract.file.open("rb") as handle:
        numbered, estimate, _delimiter = read_table(handle, extract.file_format)
        columns = reading.find_columns(numbered)
        province = settings.PMKS_PROVINCE_CODE
        villages = set(
            Region.objects.filter(level=Level.VILLAGE, code__startswith=f"{province}.").values_list(
                "code", flat=True
            )
        )
        checker = reading.RowChecker(
            columns=columns, villages=villages, province=province, today=timezone.localdate()
        )
        rows, problems, error_rows, total = [], [], 0, 0
        for number, cells in numbered:
            if not any(cells) or not "".join(map(str, cells)).strip():
                continue
            total += 1
            values, found = checker.check(number, cells)
            if found:
                error_rows += 1
                problems.extend(
                    problem.as_json() for problem in found[: MAX_ERRORS - len(problems)]
                )
            else:
                rows.append(values)
            if total % PROGRESS_EVERY == 0:
                _report(extract.pk, min(CHECKED_AT, CHECKED_AT * total // max(estimate, 1)))
    if total == 0:
        raise ImportFileError(_("The file has a header but no rows."))
    if error_rows:
        raise _Invalid(problems, error_rows, total)
    return rows, total


@transaction.atomic
def _load(extract: Extract, rows: list[dict], total: int, started: float) -> None:
    # COPY on PostgreSQL (the registry's bulk writer, cases/demo/writing.py): bulk_create spent
    # most of a load preparing each value through its field (3,700 rows/s at 100,000 rows).
    writer = CopyWriter() if connection.vendor == "postgresql" else OrmWriter()
    for start in range(0, len(rows), BATCH_SIZE):
        batch = rows[start : start + BATCH_SIZE]
        for values in batch:
            values["extract_id"] = extract.pk
        writer.insert(Entry, batch, ids=False)
        writer.flush()
        share = (start + BATCH_SIZE) / len(rows)
        _report(extract.pk, CHECKED_AT + int((95 - CHECKED_AT) * min(share, 1.0)))
    written = time.perf_counter()
    counts = worklist.worklist_recompute(extract)
    logger.info(
        "dtsen extract %s: rows written at %.2f s, worklist %.2f s",
        extract.pk,
        written - started,
        time.perf_counter() - written,
    )
    extract.status = Extract.Status.LOADED
    extract.total_rows = total
    extract.item_counts = counts
    extract.progress = 100
    extract.loaded_at = timezone.now()
    extract.seconds = round(time.perf_counter() - started, 3)
    extract.save(
        update_fields=["status", "total_rows", "item_counts", "progress", "loaded_at", "seconds"]
    )
    transaction.on_commit(lambda: cache.delete(progress_key(extract.pk)))
    transaction.on_commit(selectors.forget_counts)
