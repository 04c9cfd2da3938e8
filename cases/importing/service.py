"""The services of an import batch: create (upload), check, check again, ask to commit, commit;
the Celery tasks call check and commit (cases/tasks.py). A batch of one regency/city is checked
by importing.checking and saved by importing.committing; a province-wide batch (no regency) is
routed and saved per regency by importing.province."""

import logging
import os
import tempfile
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from cases.importing import dispatch, progress
from cases.importing.checking import check_batch
from cases.importing.committing import NothingToSave, commit_part, store_rejected
from cases.importing.errors import ImportFileError
from cases.importing.files import check_upload, file_digest
from cases.importing.limits import check_shape
from cases.importing.province import check_province, commit_province
from cases.importing.rejected import JsonLines
from cases.models import ImportBatch
from pmks_portal import access
from regions.models import Region

logger = logging.getLogger("pmks.import")


def _fail(batch_id: int, message: str) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.FAILED,
        failure=message,
        progress=0,
        finished_at=timezone.now(),
    )
    progress.forget(batch_id)


@transaction.atomic
def import_batch_create(
    *, actor, regency: Region | None, upload, name: str = "", queue: bool = True
) -> ImportBatch:
    """Stores an uploaded spreadsheet (after the type, size and archive checks) and queues its
    check; `regency` None: a province-wide file, routed per regency/city. Raises
    ImportFileError for a file that cannot be imported at all."""
    regency_code = regency.code if regency is not None else None
    access.require(access.can_import_into(actor, regency_code))
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
        regency_id=regency_code,
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
            (check_province if batch.is_province_wide else check_batch)(batch)
            progress.forget(batch.pk)
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


def _refuse_a_part(batch: ImportBatch) -> None:
    """A regency's part of a province-wide file is checked and saved with the whole file."""
    if batch.parent_id:
        raise ValidationError(
            _(
                "This import is part of the province-wide import %(id)s: the provincial office "
                "checks and saves it with the other regencies' rows."
            )
            % {"id": batch.parent_id}
        )


@transaction.atomic
def import_batch_recheck(*, actor, batch: ImportBatch, queue: bool = True) -> ImportBatch:
    """Checks a checked or failed batch again, e.g. after colleagues changed the registry."""
    access.require(batch.writable_by(actor))
    _refuse_a_part(batch)
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
    access.require(batch.writable_by(actor))
    _refuse_a_part(batch)
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
        stored: list[tuple[ImportBatch, JsonLines]] = []
        with transaction.atomic():
            batch = (
                # of=self: the regency is an outer join (a province-wide batch has none), and
                # PostgreSQL locks no nullable side of one.
                ImportBatch.objects.select_for_update(of=("self",))
                .select_related("regency")
                .get(pk=batch_id)
            )
            if batch.status != ImportBatch.Status.COMMITTING:
                return
            actor = User.objects.get(
                pk=batch.summary.get("commit_requested_by") or batch.uploaded_by_id
            )
            access.require(batch.writable_by(actor))
            if batch.is_province_wide:
                stored = commit_province(batch, actor, directory)
            else:
                rejected = JsonLines(directory, "rejected.jsonl")
                try:
                    tally = commit_part(batch, actor, rejected)
                finally:
                    rejected.close()
                if tally.written == 0:
                    raise NothingToSave
                stored = [(batch, rejected)]
        # Only once the rows are saved does the list of rejected rows change.
        for part, rejected in stored:
            store_rejected(part, rejected)
    progress.forget(batch_id)
