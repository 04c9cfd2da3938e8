"""Writes to persons and cases. Each is atomic, checks scope, and writes the audit trail."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from audit import sensitive as sensitive_reads
from audit.models import AuditEvent
from audit.records import EditConflict as EditConflict  # the views catch it from here
from audit.records import lock_version, save_new_version
from audit.services import audit_record, field_changes, snapshot
from cases import workflow
from cases.duplicates import DuplicateReport, find_duplicates
from cases.models import (
    Case,
    CaseStatus,
    CaseTransition,
    Intervention,
    PasungDetail,
    PasungEvent,
    PasungStatus,
    Person,
    Programme,
)
from cases.nik import check_kk, check_nik, normalise_number
from pmks_portal import access
from pmks_portal.names import clean_name
from regions.models import Region

PERSON_FIELDS = [
    "nik",
    "kk_number",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "birth_date_is_estimate",
    "address",
    "village",
    "phone",
    "guardian_name",
    "guardian_relation",
    "guardian_phone",
    "disability",
    "notes",
]
CASE_FIELDS = ["category", "district", "village", "found_on", "source", "notes"]
# --- privacy (#17): the legal basis and consent, set by the case form (imports leave the
# default, the public task); kept apart from CASE_FIELDS, which the import writer audits.
CASE_BASIS_FIELDS = ["legal_basis", "consent_by", "consent_on", "consent_evidence"]
EDITED_CASE_FIELDS = CASE_FIELDS + CASE_BASIS_FIELDS


class NeedsConfirmation(Exception):
    """Warnings the user must confirm: the NIK disagrees with the form, or the person may be
    registered already. Near matches outside the user's scope are only counted, not shown."""

    def __init__(self, warnings: list[str], near_matches: list, hidden_near: int):
        super().__init__(" ".join(warnings))
        self.warnings = warnings
        self.near_matches = near_matches
        self.hidden_near = hidden_near


class DuplicateNik(Exception):
    """A person with this NIK exists. `person` is None when it lies outside the user's scope."""

    def __init__(self, person: Person | None):
        super().__init__(_("A person with this NIK is already registered."))
        self.person = person


@dataclass
class PersonChecks:
    warnings: list[str]
    duplicates: DuplicateReport


def check_place(regency_code: str, *places: Region | None) -> None:
    """ValidationError when one of the places (regions; None is skipped) lies outside the
    regency/city."""
    for place in places:
        if place is not None and place.regency_code != regency_code:
            raise ValidationError(
                _("%(place)s is not in this regency/city.") % {"place": place.name}
            )


def estimated_birth_date(age_years: int, on: date | None = None) -> date:
    """The middle of the year someone of this age was born in."""
    on = on or timezone.localdate()
    return date(on.year - age_years, 7, 1)


def person_checks(data: dict, *, exclude_pk=None) -> PersonChecks:
    """NIK/KK structure (errors raise ValidationError), warnings to confirm, possible duplicates."""
    errors, warnings = {}, []
    if data.get("nik"):
        nik = check_nik(
            data["nik"],
            sex=data.get("sex"),
            birth_date=None if data.get("birth_date_is_estimate") else data.get("birth_date"),
        )
        if nik.errors:
            errors["nik"] = nik.errors
        warnings.extend(nik.warnings)
    if data.get("kk_number"):
        kk = check_kk(data["kk_number"])
        if kk.errors:
            errors["kk_number"] = kk.errors
    if errors:
        raise ValidationError(errors)
    duplicates = find_duplicates(
        nik=data.get("nik") or None,
        name=data.get("name", ""),
        birth_date=data.get("birth_date"),
        exclude_pk=exclude_pk,
    )
    return PersonChecks(warnings=warnings, duplicates=duplicates)


def _clean_person_data(data: dict) -> dict:
    data = dict(data)
    data["nik"] = normalise_number(data.get("nik")) or None
    data["kk_number"] = normalise_number(data.get("kk_number"))
    data["name"] = clean_name(data.get("name", ""))
    if "guardian_name" in data:
        data["guardian_name"] = clean_name(data["guardian_name"])
    return data


def _confirm_or_raise(actor, checks: PersonChecks, confirmed: bool) -> None:
    near = checks.duplicates.near
    if confirmed or not (checks.warnings or near):
        return
    visible = list(Person.objects.visible_to(actor).filter(pk__in=[p.pk for p in near]))
    raise NeedsConfirmation(checks.warnings, visible, len(near) - len(visible))


def _raise_duplicate(actor, existing: Person) -> None:
    visible = Person.objects.visible_to(actor).filter(pk=existing.pk).exists()
    raise DuplicateNik(existing if visible else None)


def _person_saved(person: Person) -> None:
    """What other apps do when a person is registered or changed, in the same transaction
    (settings.PMKS_PERSON_SAVED: the duplicates queue files the pairs it makes). Named in
    settings so that cases knows nothing of the apps built on the registry."""
    for path in settings.PMKS_PERSON_SAVED:
        import_string(path)(person=person)


@transaction.atomic
def person_create(*, actor, regency: Region, data: dict, confirmed: bool = False) -> Person:
    """Registers a person in the actor's regency, after the NIK, duplicate and place checks."""
    access.require(access.can_write_record(actor, regency.code))
    data = _clean_person_data(data)
    checks = person_checks(data)
    if checks.duplicates.exact is not None:
        _raise_duplicate(actor, checks.duplicates.exact)
    _confirm_or_raise(actor, checks, confirmed)
    check_place(regency.code, data.get("village"))
    person = Person(regency=regency, created_by=actor, **data)
    # The NIK's uniqueness is decided by the database constraint below, not by a racy pre-check.
    person.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Two people saved the same NIK at the same moment; the constraint decided.
        _raise_duplicate(actor, Person.objects.get(nik=person.nik))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=person,
        changes=field_changes(person, PERSON_FIELDS, {}),
        regency_id=regency.code,
    )
    _person_saved(person)
    return person


@transaction.atomic
def person_update(
    *, actor, person: Person, expected_version: int, data: dict, confirmed: bool = False
) -> Person:
    """Saves changes unless someone else saved first (then EditConflict, nothing saved)."""
    access.require(access.can_write_record(actor, person.regency_id))
    locked = lock_version(Person, person.pk, expected_version)
    data = _clean_person_data(data)
    checks = person_checks(data, exclude_pk=locked.pk)
    if checks.duplicates.exact is not None:
        _raise_duplicate(actor, checks.duplicates.exact)
    _confirm_or_raise(actor, checks, confirmed)
    check_place(locked.regency_id, data.get("village"))
    before = snapshot(locked, PERSON_FIELDS)
    for field, value in data.items():
        setattr(locked, field, value)
    # A record imported before the portal has no creator (created_by is empty but not blank):
    # the edit never sets it, so it must not be what refuses the save.
    locked.full_clean(exclude=["created_by"], validate_constraints=False)
    changes = field_changes(locked, PERSON_FIELDS, before)
    if changes:
        try:
            with transaction.atomic():
                save_new_version(locked, actor=actor, changes=changes, regency_id=locked.regency_id)
        except IntegrityError:
            _raise_duplicate(actor, Person.objects.get(nik=locked.nik))
        _person_saved(locked)
    return locked


@transaction.atomic
def person_merge(*, actor, keep: Person, duplicate: Person, reason: str) -> Person:
    """Moves every record that points at `duplicate` (cases, KUBE memberships...) to `keep`;
    the duplicate stays, marked as merged. Refused, with nothing changed, when the move would
    break a rule such as one active KUBE per person."""
    access.require(access.can(actor, access.Capability.MERGE_PERSONS))
    if keep.pk == duplicate.pk or duplicate.merged_into_id or keep.merged_into_id:
        raise ValidationError(_("Choose two different persons that are not merged already."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why these records are the same person.")})
    keep = Person.objects.select_for_update().get(pk=keep.pk)
    duplicate = Person.objects.select_for_update().get(pk=duplicate.pk)
    moved = list(duplicate.cases.values_list("pk", flat=True))
    try:
        with transaction.atomic():
            _repoint_references(duplicate, keep)
    except IntegrityError:
        raise ValidationError(
            _(
                "These records cannot be merged as they are: both hold something a person may "
                "hold only once (e.g. membership of an active KUBE). End one of them first."
            )
        ) from None
    taken_nik = duplicate.nik if (duplicate.nik and not keep.nik) else None
    duplicate.merged_into, duplicate.nik = keep, None
    duplicate.version += 1
    duplicate.save()
    if taken_nik:
        keep.nik = taken_nik
        keep.version += 1
        keep.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.MERGE,
        target=keep,
        reason=reason.strip(),
        changes={"merged_person": [None, duplicate.pk], "cases": [None, moved]},
        regency_id=keep.regency_id,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.MERGE,
        target=duplicate,
        reason=reason.strip(),
        changes={"merged_into": [None, keep.pk]},
        regency_id=duplicate.regency_id,
    )
    return keep


def _repoint_references(old: Person, new: Person) -> None:
    # Every app's foreign keys to Person, found from the model, so cases needs no knowledge of
    # the apps built on the registry; the merge link itself stays on the duplicate.
    for relation in Person._meta.related_objects:
        if not relation.one_to_many or relation.related_model is Person:
            continue
        field = relation.field.name
        relation.related_model._base_manager.filter(**{field: old}).update(**{field: new})


def programme_for(category, is_pasung: bool) -> str:
    """The target programme a case counts towards: pasung, else its category's."""
    return Programme.PASUNG if is_pasung else category.programme


@transaction.atomic
def case_create(
    *, actor, person: Person, regency: Region, data: dict, is_pasung: bool = False
) -> Case:
    """Opens a case of a person in the actor's regency; a pasung case gets its pasung record."""
    access.require(access.can_write_record(actor, regency.code))
    check_place(regency.code, data.get("district"), data.get("village"))
    today = timezone.localdate()
    case = Case(
        person=person,
        regency=regency,
        programme=programme_for(data["category"], is_pasung),
        registered_on=data.get("registered_on") or today,
        status_changed_on=today,
        created_by=actor,
        **{field: data.get(field) for field in EDITED_CASE_FIELDS if field in data},
    )
    if case.found_on and case.found_on > today:
        raise ValidationError({"found_on": _("The date found cannot be in the future.")})
    case.full_clean()
    case.save()
    if is_pasung:
        PasungDetail.objects.create(case=case, restraint_form=data.get("restraint_form", "other"))
    CaseTransition.objects.create(
        case=case, to_status=case.status, effective_on=case.found_on, by=actor
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=case,
        changes=field_changes(case, EDITED_CASE_FIELDS + ["programme", "status"], {}),
        regency_id=regency.code,
    )
    return case


@transaction.atomic
def case_update(*, actor, case: Case, expected_version: int, data: dict) -> Case:
    access.require(access.can_write_record(actor, case.regency_id))
    locked = lock_version(Case, case.pk, expected_version)
    check_place(locked.regency_id, data.get("district"), data.get("village"))
    before = snapshot(locked, EDITED_CASE_FIELDS)
    for field in EDITED_CASE_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    if locked.programme != Programme.PASUNG:
        locked.programme = locked.category.programme
    # As in person_update: a case imported before the portal has no creator to validate.
    locked.full_clean(exclude=["created_by"])
    changes = field_changes(locked, EDITED_CASE_FIELDS, before)
    if changes:
        save_new_version(locked, actor=actor, changes=changes, regency_id=locked.regency_id)
    return locked


@transaction.atomic
def case_transition(
    *,
    actor,
    case: Case,
    to_status: str,
    effective_on: date | None = None,
    reason: str = "",
    close_reason: str = "",
) -> Case:
    """Moves a case along the workflow (workflow.py decides), recording date, who and why."""
    access.require(access.can_write_record(actor, case.regency_id))
    locked = Case.objects.select_for_update().get(pk=case.pk)
    try:
        workflow.check_transition(
            locked.status, to_status, close_reason=close_reason, reason=reason
        )
    except workflow.TransitionRefused as refused:
        raise ValidationError(str(refused)) from None
    effective_on = effective_on or timezone.localdate()
    if effective_on > timezone.localdate():
        raise ValidationError(_("The date of a status change cannot be in the future."))
    if effective_on < locked.found_on:
        raise ValidationError(_("The date of a status change cannot be before the case was found."))
    relapse = workflow.is_relapse(locked.status, to_status)
    before = locked.status
    locked.status = to_status
    locked.close_reason = close_reason if to_status == CaseStatus.CLOSED else ""
    locked.status_changed_on = effective_on
    locked.relapse_count += int(relapse)
    locked.version += 1
    locked.save()
    CaseTransition.objects.create(
        case=locked,
        from_status=before,
        to_status=to_status,
        effective_on=effective_on,
        is_relapse=relapse,
        reason=reason.strip(),
        by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        target=locked,
        reason=reason.strip(),
        changes={"status": [before, to_status], "relapse": [None, relapse]},
        regency_id=locked.regency_id,
    )
    return locked


@transaction.atomic
def case_detail_save(*, actor, case: Case, detail: models.Model, data: dict) -> models.Model:
    """Saves the programme-specific record of a case (pasung, street child, tuna susila)."""
    access.require(access.can_write_record(actor, case.regency_id))
    fields = list(data)
    before = snapshot(detail, fields) if detail.pk else {}
    for field, value in data.items():
        setattr(detail, field, value)
    detail.case = case
    detail.full_clean()
    changes = field_changes(detail, fields, before)
    detail.save()
    if changes:
        Case.objects.filter(pk=case.pk).update(version=models.F("version") + 1)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=case,
            changes={f"{detail._meta.model_name}.{k}": v for k, v in changes.items()},
            regency_id=case.regency_id,
        )
    return detail


@transaction.atomic
def intervention_add(*, actor, case: Case, data: dict) -> Intervention:
    access.require(access.can_write_record(actor, case.regency_id))
    intervention = Intervention(case=case, created_by=actor, **data)
    if intervention.date and intervention.date > timezone.localdate():
        raise ValidationError({"date": _("An intervention cannot be dated in the future.")})
    intervention.full_clean()
    intervention.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=case,
        changes={"intervention": [None, intervention.get_type_display()]},
        regency_id=case.regency_id,
    )
    return intervention


@transaction.atomic
def pasung_event_add(*, actor, case: Case, data: dict) -> PasungEvent:
    """A follow-up visit, or a re-shackling, which puts the person back among the restrained."""
    access.require(access.can_write_record(actor, case.regency_id))
    detail = PasungDetail.objects.select_for_update().get(case=case)
    event = PasungEvent(detail=detail, **data)
    event.full_clean()
    event.save()
    if event.kind == PasungEvent.Kind.RESHACKLED:
        detail.pasung_status = PasungStatus.RESTRAINED
        detail.save(update_fields=["pasung_status"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=case,
        changes={"pasung_event": [None, event.get_kind_display()]},
        regency_id=case.regency_id,
    )
    return event


def record_view(*, actor, obj: models.Model, regency_id: str, sensitive: bool = False) -> None:
    """Every opening of a person's or case's page is logged (UU PDP art. 31); one that shows a
    sensitive case is marked so (audit/sensitive.py)."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        target=obj,
        changes=sensitive_reads.view_marks(sensitive=sensitive, via="detail"),
        regency_id=regency_id,
    )
