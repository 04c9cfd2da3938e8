"""The commit of a batch inside its one transaction: its kept rows checked again against the
registry as it is then and the valid ones written in bulk, with one audit event for the batch.
A province-wide file commits each regency's part this way, all in the same transaction."""

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from cases.importing.header import Header
from cases.importing.progress import reporter
from cases.importing.reference import load_reference
from cases.importing.rejected import (
    JsonLines,
    derived_name,
    rejected_item,
    store_file,
    stored_rows,
)
from cases.importing.rows import RowChecker
from cases.importing.tally import Tally, process_rows
from cases.importing.writer import RowWriter
from cases.models import ImportBatch
from pmks_portal import access


class NothingToSave(Exception):
    pass


def commit_part(batch: ImportBatch, actor, rejected: JsonLines, *, progress=None) -> Tally:
    """Writes the batch's rows still valid (the caller holds the transaction and the batch's
    lock) and marks it saved; its rows rejected now go to `rejected`."""
    access.require(access.can_import_into(actor, batch.regency_id))
    reference = load_reference(batch.regency)
    header = Header.from_json(batch.summary["header"])
    writer = RowWriter(batch=batch, actor=actor, reference=reference)
    tally = process_rows(
        stored_rows(batch),
        RowChecker(header, reference),
        on_rejected=lambda row: rejected.write(rejected_item(row)),
        on_valid=writer.write,
        on_progress=progress or reporter(batch.pk, batch.total_rows, write_row=False),
    )
    changes = {
        "cases": [None, tally.written],
        "persons": [None, tally.new_persons],
        "rejected": [None, tally.rejected],
    }
    reason = _("Import of %(file)s") % {"file": batch.original_name}
    if batch.parent_id:
        # Saved by the provincial office for the regency/city: the regency's history says so.
        changes["province_import"] = [None, batch.parent_id]
        reason = _("Import of %(file)s by the provincial office, for this regency/city") % {
            "file": batch.original_name
        }
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=batch,
        changes=changes,
        reason=reason,
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
    return tally


def store_rejected(batch: ImportBatch, rejected: JsonLines) -> None:
    """After the commit: the batch's rejected rows are those the commit found."""
    name = batch.summary.get("files", {}).get("rejected") or derived_name(batch, "rejected.jsonl")
    stored = store_file(name, rejected.path)
    if stored != name:
        ImportBatch.objects.filter(pk=batch.pk).update(
            summary={**batch.summary, "files": {**batch.summary["files"], "rejected": stored}}
        )
