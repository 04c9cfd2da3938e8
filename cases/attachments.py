"""Photos and documents of a case: checked by content, stripped of metadata, stored privately.

A case accepts JPEG, PNG and WebP photos and PDF documents, up to PMKS_ATTACHMENT_MAX_BYTES. How
they are checked, cleaned, stored and served is the same for every upload of the portal: see
pmks_portal/private_files. What is particular to a case is here: who may add, remove or open its
files, and the case's history (audit trail), where every one of these is recorded.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit import sensitive
from audit.models import AuditEvent
from audit.services import audit_record
from cases.models import Attachment, Case
from pmks_portal import access
from pmks_portal.private_files import storage
from pmks_portal.private_files.content import Acceptance, checked_upload
from pmks_portal.private_files.kinds import JPEG, PDF, PNG, WEBP

CASE_FILES = Acceptance(
    kinds=(JPEG, PNG, WEBP, PDF),
    refused=_("Only photos (JPEG, PNG or WebP) and PDF documents can be attached."),
    damaged=_("The file could not be read as the photo or PDF its content claims to be."),
    fallback_name="lampiran",
)


def _audit_value(attachment: Attachment) -> str:
    return f"#{attachment.pk} {attachment.original_name}"


@transaction.atomic
def attachment_add(*, actor, case: Case, uploaded_file, description: str = "") -> Attachment:
    """Checks a file by its content, strips a photo's metadata, stores it under a random name
    and records the upload in the case's history. ValidationError when the file is refused."""
    if not access.can_write_record(actor, case.regency_id):
        raise PermissionDenied
    checked = checked_upload(uploaded_file, CASE_FILES)
    attachment = Attachment(
        case=case, description=description.strip(), uploaded_by=actor, **checked.fields()
    )
    attachment.full_clean(exclude=["file"])
    with storage.stored(attachment, checked):
        attachment.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=case,
            changes={"attachment": [None, _audit_value(attachment)]},
            regency_id=case.regency_id,
        )
    return attachment


@transaction.atomic
def attachment_delete(*, actor, attachment: Attachment) -> None:
    """Removes an attachment (a wrong photo, a document of someone else) and records it.

    The file goes once the transaction has committed, so a rollback never loses it.
    """
    case = attachment.case
    if not access.can_write_record(actor, case.regency_id):
        raise PermissionDenied
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        target=case,
        changes={"attachment": [_audit_value(attachment), None]},
        regency_id=case.regency_id,
    )
    storage.delete_with_file(attachment)


def attachment_open(*, actor, attachment: Attachment):
    """The stored file, opened for reading, after logging who opened it (UU PDP art. 31).

    Raises FileNotFoundError when the file is missing from storage; nothing is logged then.
    """
    return storage.open_stored(
        attachment,
        audit=lambda: audit_record(
            actor=actor,
            action=AuditEvent.Action.VIEW,
            target=attachment.case,
            changes={
                "attachment": attachment.pk,
                **sensitive.view_marks(
                    sensitive=sensitive.is_sensitive_case(attachment.case), via="attachment"
                ),
            },
            regency_id=attachment.case.regency_id,
        ),
    )
