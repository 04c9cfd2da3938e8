"""The services of an import batch: create (upload), check, check again, ask to commit, commit;
with the progress the pages poll and the Celery tasks that run check and commit."""

import logging
import os
import tempfile
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from cases.importing import dispatch
from cases.importing.errors import ImportFileError
from cases.importing.files import check_upload, file_digest, read_table
from cases.importing.header import Header, find_header
from cases.importing.limits import check_shape
from cases.importing.reference import load_reference
from cases.importing.rejected import (
    JsonLines,
    derived_name,
    rejected_item,
    store_file,
    stored_rows,
)
from cases.importing.rows import RowChecker
from cases.importing.tally import process_rows
from cases.importing.writer import RowWriter
from cases.models import ImportBatch
from pmks_portal import access, cache
from regions.models import Region

logger = logging.getLogger("pmks.import")

# The batch's progress is written at most once per this many rows.
PROGRESS_EVERY = 1000


def progress_key(batch_id: int) -> str:
    return f"import-progress:{batch_id}"


def current_progress(batch: ImportBatch) -> int:
    """The batch's progress: while it runs, the cache is fresher than the row (see commit)."""
    if batch.status in (ImportBatch.Status.CHECKING, ImportBatch.Status.COMMITTING):
        cached = cache.get(progress_key(batch.pk))
        if cached is not None:
            return max(int(cached), batch.progress)
    return batch.progress


def _progress(
    batch_id: int, total: int, *, start: int, span: int, write_row: bool
) -> Callable[[int], None]:
    last = {"rows": 0}

    def report(rows_done: int) -> None:
        if rows_done - last["rows"] < PROGRESS_EVERY:
            return
        last["rows"] = rows_done
        share = min(rows_done / total, 1.0) if total else 0.0
        percent = min(99, start + int(span * share))
        cache.set(progress_key(batch_id), percent, 3600)
        if write_row:
            ImportBatch.objects.filter(pk=batch_id).update(progress=percent)

    return report


def _fail(batch_id: int, message: str) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.FAILED,
        failure=message,
        progress=0,
        finished_at=timezone.now(),
    )
    cache.delete(progress_key(batch_id))


@transaction.atomic
def import_batch_create(
    *, actor, regency: Region, upload, name: str = "", queue: bool = True
) -> ImportBatch:
    """Stores an uploaded spreadsheet (after the type, size and archive checks) and queues its
    check. Raises ImportFileError for a file that cannot be imported at all."""
    access.require(access.can_write_record(actor, regency.code))
    fmt = check_upload(upload)
    check_shape(upload, fmt)
    original = os.path.basename(name or getattr(upload, "name", "") or "import")[:200]
    batch = ImportBatch(
        regency=regency,
        uploaded_by=actor,
        original_name=original,
        summary={
            "format": fmt,
            "language": translation.get_language() or settings.LANGUAGE_CODE,
            "sha256": file_digest(upload),
        },
    )
    batch.file.save(f"{uuid.uuid4().hex}.{fmt}", File(upload), save=False)
    batch.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=batch,
        changes={"file": [None, original]},
        regency_id=regency.code,
    )
    if queue:
        dispatch.queue("check_import", batch.pk)
    return batch


def import_batch_check(batch_id: int) -> ImportBatch | None:
    """Checks a waiting batch; one that another worker checks, or in any other state, is left
    alone (the task may be delivered twice)."""
    batch = ImportBatch.objects.select_related("regency").filter(pk=batch_id).first()
    if batch is None or not dispatch.claim_check(batch.pk):
        return batch
    with (
        translation.override(batch.summary.get("language") or settings.LANGUAGE_CODE),
        dispatch.heartbeat(batch.pk),
    ):
        try:
            _check_batch(batch)
        except ImportFileError as error:
            _fail(batch.pk, str(error))
        except Exception:
            logger.exception("import_check_failed batch=%s", batch.pk)
            _fail(
                batch.pk,
                _(
                    "The check stopped on an unexpected error. Try again, or tell the "
                    "administrator."
                ),
            )
    batch.refresh_from_db()
    return batch


def _refuse_a_file_imported_before(batch: ImportBatch) -> None:
    """The same bytes saved before for this regency/city: said at once, no row checked."""
    digest = batch.summary.get("sha256")
    earlier = (
        ImportBatch.objects.filter(
            regency_id=batch.regency_id, status=ImportBatch.Status.COMMITTED, summary__sha256=digest
        )
        .exclude(pk=batch.pk)
        .order_by("-finished_at")
        .first()
        if digest
        else None
    )
    if earlier is not None:
        raise ImportFileError(
            _(
                "This file was imported before: import %(batch)s, saved on %(date)s with "
                "%(rows)s cases. Nothing was checked; upload a file with new rows."
            )
            % {
                "batch": earlier.pk,
                "date": formats.date_format(timezone.localtime(earlier.finished_at)),
                "rows": earlier.committed_rows,
            }
        )


def _check_batch(batch: ImportBatch) -> None:
    _refuse_a_file_imported_before(batch)
    fmt = batch.summary["format"]
    with batch.file.open("rb") as handle, tempfile.TemporaryDirectory() as directory:
        rows, estimate, delimiter = read_table(handle, fmt)
        header, rows = find_header(rows)
        checker = RowChecker(header, load_reference(batch.regency))
        kept = JsonLines(directory, "rows.jsonl")
        rejected = JsonLines(directory, "rejected.jsonl")
        try:
            tally = process_rows(
                rows,
                checker,
                on_rejected=lambda row: rejected.write(rejected_item(row)),
                on_progress=_progress(
                    batch.pk,
                    max(estimate - header.row_number, 1),
                    start=0,
                    span=100,
                    write_row=True,
                ),
                keep=lambda number, cells: kept.write([number, cells]),
            )
        finally:
            kept.close()
            rejected.close()
        if tally.total == 0:
            raise ImportFileError(_("The file has a header row but no data rows."))
        files = {
            "rows": store_file(derived_name(batch, "rows.jsonl"), kept.path),
            "rejected": store_file(derived_name(batch, "rejected.jsonl"), rejected.path),
        }
    summary = dict(batch.summary)
    summary.update(
        {
            "delimiter": delimiter,
            "header": header.as_json(),
            "files": files,
            "counts": tally.counts(),
            "problems": tally.problems,
            "warnings": tally.warnings,
            "preview": tally.preview,
            "checked_at": timezone.now().isoformat(),
        }
    )
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
    cache.delete(progress_key(batch.pk))


@transaction.atomic
def import_batch_recheck(*, actor, batch: ImportBatch, queue: bool = True) -> ImportBatch:
    """Checks a checked or failed batch again, e.g. after colleagues changed the registry."""
    access.require(access.can_write_record(actor, batch.regency_id))
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status not in (ImportBatch.Status.CHECKED, ImportBatch.Status.FAILED):
        raise ValidationError(_("This import cannot be checked again now."))
    locked.status, locked.progress, locked.failure = ImportBatch.Status.UPLOADED, 0, ""
    locked.enqueued_at = locked.heartbeat_at = None
    locked.save(update_fields=["status", "progress", "failure", "enqueued_at", "heartbeat_at"])
    if queue:
        dispatch.queue("check_import", locked.pk)
    return locked


@transaction.atomic
def import_batch_commit_request(
    *, actor, batch: ImportBatch, warnings_confirmed: bool, queue: bool = True
) -> ImportBatch:
    """Asks for a checked batch to be saved; the commit task does the work."""
    access.require(access.can_write_record(actor, batch.regency_id))
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status != ImportBatch.Status.CHECKED:
        raise ValidationError(_("Only a checked import can be saved."))
    if locked.valid_rows == 0:
        raise ValidationError(_("No row of this file can be saved."))
    if locked.summary.get("counts", {}).get("with_warnings") and not warnings_confirmed:
        raise ValidationError(_("Confirm that you have read the warnings."))
    locked.status, locked.progress = ImportBatch.Status.COMMITTING, 0
    locked.enqueued_at = locked.heartbeat_at = None
    locked.summary = {**locked.summary, "commit_requested_by": actor.pk}
    locked.save(update_fields=["status", "progress", "summary", "enqueued_at", "heartbeat_at"])
    if queue:
        dispatch.queue("commit_import", locked.pk)
    return locked


class NothingToSave(Exception):
    pass


def import_batch_commit(batch_id: int) -> ImportBatch | None:
    """Saves the rows still valid, all in one transaction; a rerun after success does nothing.

    On any failure nothing is saved, and the batch says why.
    """
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status != ImportBatch.Status.COMMITTING:
        return batch
    # Started: from now on the commit's row lock says whether its worker lives (dispatch.sweep).
    ImportBatch.objects.filter(pk=batch_id).update(heartbeat_at=timezone.now())
    with translation.override(batch.summary.get("language") or settings.LANGUAGE_CODE):
        try:
            _commit_batch(batch_id)
        except NothingToSave:
            _fail(
                batch_id,
                _(
                    "No row can be saved any more: the registry changed since the "
                    "check. Nothing was saved; check the file again."
                ),
            )
        except PermissionDenied:
            _fail(
                batch_id,
                _(
                    "The person who asked to save this import may no longer write "
                    "records of this regency/city. Nothing was saved."
                ),
            )
        except IntegrityError:
            logger.warning("import_commit_integrity batch=%s", batch_id, exc_info=True)
            _fail(
                batch_id,
                _(
                    "While saving, a record in the file was registered by someone else "
                    "(the same NIK). Nothing was saved; check the file again."
                ),
            )
        except Exception as error:
            logger.exception("import_commit_failed batch=%s", batch_id)
            _fail(
                batch_id,
                _(
                    "Saving stopped on an unexpected error (%(error)s). Nothing was "
                    "saved. Check the file again, or tell the administrator."
                )
                % {"error": type(error).__name__},
            )
    batch.refresh_from_db()
    return batch


def _commit_batch(batch_id: int) -> None:
    from accounts.models import User

    with tempfile.TemporaryDirectory() as directory:
        rejected = JsonLines(directory, "rejected.jsonl")
        try:
            with transaction.atomic():
                batch = (
                    ImportBatch.objects.select_for_update()
                    .select_related("regency")
                    .get(pk=batch_id)
                )
                if batch.status != ImportBatch.Status.COMMITTING:
                    return
                actor = User.objects.get(
                    pk=batch.summary.get("commit_requested_by") or batch.uploaded_by_id
                )
                access.require(access.can_write_record(actor, batch.regency_id))
                reference = load_reference(batch.regency)
                header = Header.from_json(batch.summary["header"])
                writer = RowWriter(batch=batch, actor=actor, reference=reference)
                tally = process_rows(
                    stored_rows(batch),
                    RowChecker(header, reference),
                    on_rejected=lambda row: rejected.write(rejected_item(row)),
                    on_valid=writer.write,
                    on_progress=_progress(
                        batch.pk, batch.total_rows, start=0, span=100, write_row=False
                    ),
                )
                if tally.written == 0:
                    raise NothingToSave
                audit_record(
                    actor=actor,
                    action=AuditEvent.Action.CREATE,
                    target=batch,
                    changes={
                        "cases": [None, tally.written],
                        "persons": [None, tally.new_persons],
                        "rejected": [None, tally.rejected],
                    },
                    reason=_("Import of %(file)s") % {"file": batch.original_name},
                    regency_id=batch.regency_id,
                )
                checked_valid = batch.valid_rows
                summary = dict(batch.summary)
                summary.update(
                    {
                        "counts": tally.counts(),
                        "problems": tally.problems,
                        "warnings": tally.warnings,
                        "preview": tally.preview,
                        "committed_at": timezone.now().isoformat(),
                        "changed_since_check": max(checked_valid - tally.written, 0),
                    }
                )
                batch.status, batch.progress = ImportBatch.Status.COMMITTED, 100
                batch.valid_rows, batch.error_rows = tally.valid, tally.errors
                batch.duplicate_rows, batch.committed_rows = tally.duplicates, tally.written
                batch.summary, batch.finished_at = summary, timezone.now()
                batch.save()
        finally:
            rejected.close()
        # Only once the rows are saved does the list of rejected rows change.
        name = batch.summary.get("files", {}).get("rejected") or derived_name(
            batch, "rejected.jsonl"
        )
        stored = store_file(name, rejected.path)
        if stored != name:
            ImportBatch.objects.filter(pk=batch_id).update(
                summary={**batch.summary, "files": {**batch.summary["files"], "rejected": stored}}
            )
    cache.delete(progress_key(batch_id))
