"""DTSEN writes: uploading an extract (loaded in the background) and working a worklist item."""

import os
import uuid

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEvent
from audit.records import lock_version
from audit.services import audit_record
from cases.importing.files import check_upload
from dtsen import dispatch, selectors
from dtsen.models import Extract, ItemStatus, WorklistItem
from pmks_portal import access


@transaction.atomic
def extract_create(*, actor, upload, year: int, quarter: int, name: str = "") -> Extract:
    """Stores an uploaded DTSEN extract (after the size, type and archive checks) and queues
    its load. Raises ImportFileError for a file that cannot be read at all."""
    access.require(access.can(actor, access.Capability.IMPORT_DTSEN))
    fmt = check_upload(upload)
    extract = Extract(
        year=year,
        quarter=quarter,
        uploaded_by=actor,
        original_name=os.path.basename(name or getattr(upload, "name", "") or "dtsen")[:200],
    )
    extract.full_clean(exclude=["file"])
    extract.file.save(f"{uuid.uuid4().hex}.{fmt}", File(upload), save=False)
    extract.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=extract,
        changes={"file": [None, extract.original_name], "version": [None, str(extract.label)]},
    )
    dispatch.queue(extract.pk)
    return extract


def owners_for(regency_id: str):
    """Who may own an item of this regency: its active staff."""
    return User.objects.filter(
        regency_id=regency_id, role=Role.REGENCY_STAFF, is_active=True
    ).order_by("first_name", "last_name", "username")


@transaction.atomic
def worklist_item_update(
    *, actor, item: WorklistItem, version: int, status: str, owner=None, reason: str = ""
) -> WorklistItem:
    """Moves an item on (baru, diproses, selesai, ditolak with a reason) and gives it an owner
    among the regency's staff; the change is in the item's history (the audit trail)."""
    access.require(item.writable_by(actor))
    current = lock_version(WorklistItem, item.pk, version)
    reason = reason.strip()
    if status == ItemStatus.REJECTED and not reason:
        raise ValidationError({"reason": _("Say why the item is rejected.")})
    if owner is None and status == ItemStatus.IN_PROGRESS:
        owner = actor
    if owner is not None and not owners_for(current.regency_id).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("The owner must be a staff member of the regency.")})
    changes = {}
    for field, new in (("status", status), ("owner", owner), ("reason", reason)):
        old = getattr(current, field)
        if old != new:
            changes[field] = [str(old) if old else old, str(new) if new else new]
            setattr(current, field, new)
    if not changes:
        return current
    current.version += 1
    current.full_clean()
    current.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.TRANSITION if "status" in changes else AuditEvent.Action.UPDATE,
        target=current,
        changes=changes,
        reason=reason,
        regency_id=current.regency_id,
    )
    transaction.on_commit(selectors.forget_counts)
    return current
