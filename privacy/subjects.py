"""Data subjects' requests: logged, answered with the person's complete file, corrections
recorded against the fields they changed. Every step is held to the access rules here too."""

import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.records import save_new_version
from audit.services import audit_record, field_changes, snapshot
from cases.models import Person
from pmks_portal import access
from privacy import dossier
from privacy.models import SubjectCorrection, SubjectExport, SubjectRequest

# What a subject may have corrected (their own particulars, never the case's facts).
CORRECTABLE = (
    "name", "nik", "kk_number", "sex", "birth_place", "birth_date", "address", "phone",
    "guardian_name", "guardian_relation", "guardian_phone", "disability",
)  # fmt: skip
FORMATS = {
    "json": ("application/json", dossier.as_json),
    "pdf": ("application/pdf", dossier.as_pdf),
}


def _require(actor, regency_id: str) -> None:
    if not access.can_handle_subject_request(actor, regency_id):
        raise PermissionDenied


@transaction.atomic
def subject_request_create(*, actor, person: Person, kind: str, requested_at, notes: str = ""):
    """Logs a request: who took it and when the subject asked (the 3 × 24 h clock starts)."""
    _require(actor, person.regency_id)
    if requested_at > timezone.now():
        raise ValidationError({"requested_at": _("A request cannot be asked in the future.")})
    request = SubjectRequest.objects.create(
        person=person,
        regency_id=person.regency_id,
        kind=kind,
        requested_at=requested_at,
        notes=notes,
        received_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=request,
        changes={"person": [None, person.pk], "kind": [None, kind]},
        regency_id=request.regency_id,
    )
    return request


@transaction.atomic
def subject_export(*, actor, request: SubjectRequest, fmt: str) -> tuple[bytes, str]:
    """The person's complete file as JSON or PDF, with the production logged (who, when, how
    long) in the request and in the person's own history."""
    _require(actor, request.regency_id)
    content_type, render = FORMATS[fmt]
    started = time.perf_counter()
    person = Person.objects.get(pk=request.person_id)
    content = render(dossier.collect(person))
    seconds = time.perf_counter() - started
    SubjectExport.objects.create(
        request=request, format=fmt, by=actor, seconds=seconds, size=len(content)
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        target=person,
        changes={"subject_request": request.pk, "format": fmt},
        regency_id=person.regency_id,
    )
    return content, content_type


@transaction.atomic
def subject_request_answer(*, actor, request: SubjectRequest) -> SubjectRequest:
    """Marks the request answered (the file was handed over, the correction made)."""
    _require(actor, request.regency_id)
    locked = SubjectRequest.objects.select_for_update().get(pk=request.pk)
    if locked.answered_at is None:
        locked.answered_at, locked.answered_by = timezone.now(), actor
        locked.save(update_fields=["answered_at", "answered_by"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=locked,
            changes={"answered_at": [None, str(locked.answered_at)]},
            regency_id=locked.regency_id,
        )
    return locked


def subject_correct(*, actor, request: SubjectRequest, field: str, value) -> SubjectCorrection:
    """Changes one field of the person as the subject asked, recording old and new value
    against the request and in the person's history."""
    _require(actor, request.regency_id)
    if field not in CORRECTABLE:
        raise ValidationError({"field": _("This field cannot be corrected here.")})
    try:
        with transaction.atomic():
            person = Person.objects.select_for_update().get(pk=request.person_id)
            before = snapshot(person, [field])
            setattr(person, field, value if value != "" or field != "nik" else None)
            person.full_clean(validate_constraints=False)
            changes = field_changes(person, [field], before)
            if not changes:
                raise ValidationError({"value": _("That is the value already recorded.")})
            save_new_version(
                person,
                actor=actor,
                changes=changes,
                reason=_("Correction asked by the subject (request #%(pk)s)") % {"pk": request.pk},
                regency_id=person.regency_id,
            )
            old, new = changes[field]
            return SubjectCorrection.objects.create(
                request=request,
                person=person,
                field=field,
                old_value="" if old is None else str(old),
                new_value="" if new is None else str(new),
                by=actor,
            )
    except IntegrityError:
        raise ValidationError({"value": _("Another person already has this NIK.")}) from None
