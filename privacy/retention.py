"""Retention (UU 27/2022 arts. 42-44): persons all of whose cases ended longer ago than their
category's retention period are pseudonymised, once, by the nightly job.

What changes: the person's name (to "Pseudonim <id>"), NIK, KK number, address, phone, place of
birth, guardian's name and phone, notes; the date of birth is kept as its year (1 July, marked
estimated); the free-text notes of their cases, interventions, status changes and pasung
follow-ups; their attachments are deleted with their files; in the audit trail of the person,
their cases and KUBE memberships, every value holding one of the replaced identifiers is
rewritten. What stays: sex, regions, categories, statuses and dates of the cases, which are
what the summary and every figure count, so that no figure changes.

A person is left as they are while any case is still open or within its period, while they are
a current member of a KUBE (the group's purpose goes on), or under an active legal hold on
them or on one of their cases.
"""

import logging
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from cases.models import (
    Attachment,
    Case,
    CaseStatus,
    CaseTransition,
    Category,
    Intervention,
    PasungEvent,
    Person,
)
from kube.models import KubeMember
from pmks_portal import access
from pmks_portal.private_files import storage
from privacy.models import LegalHold, Pseudonymised, RetentionRule, RetentionRun
from privacy.retention_defaults import default_for

logger = logging.getLogger("pmks.privacy.retention")

ENDED = (CaseStatus.RESOLVED, CaseStatus.CLOSED)
PSEUDONYMISED = "[pseudonymised]"
# Identifiers shorter than this are not searched for in the audit trail (they would match
# unrelated values).
MIN_IDENTIFIER = 3


def retention_periods() -> dict[int, tuple[int, str]]:
    """Category id → (years, reason): its rule, or the documented default."""
    rules = {r.category_id: (r.years, r.reason) for r in RetentionRule.objects.all()}
    return {
        pk: rules.get(pk) or default_for(code, cluster)
        for pk, code, cluster in Category.objects.values_list("pk", "code", "cluster")
    }


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def past_retention_q(as_of: date) -> Q:
    """Cases that ended longer ago than their category's period."""
    past = Q(pk__in=[])
    for category_id, (years, _reason) in retention_periods().items():
        past |= Q(category_id=category_id, status_changed_on__lte=years_before(as_of, years))
    return past & Q(status__in=ENDED)


def held_person_ids() -> set[int]:
    holds = LegalHold.objects.active()
    return set(holds.values_list("person_id", flat=True)) | set(
        Case.objects.filter(pk__in=holds.exclude(case=None).values("case_id")).values_list(
            "person_id", flat=True
        )
    )


def due_person_ids(as_of: date) -> list[int]:
    """Persons with cases, all past retention, not done before and in no current KUBE."""
    kept = Case.objects.exclude(past_retention_q(as_of)).values("person_id")
    return list(
        Person.objects.filter(cases__isnull=False)
        .exclude(pk__in=kept)
        .exclude(pk__in=Pseudonymised.objects.values("person_id"))
        .exclude(pk__in=KubeMember.objects.filter(is_current=True).values("person_id"))
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )


def retention_run(*, as_of: date | None = None, dry_run: bool = False) -> RetentionRun:
    """Pseudonymises every person due (or, dry, only counts them) and records what it did."""
    as_of = as_of or timezone.localdate()
    run = RetentionRun.objects.create(as_of=as_of, dry_run=dry_run)
    held = held_person_ids()
    due = due_person_ids(as_of)
    done = []
    for person_id in due:
        if person_id in held:
            run.held += 1
            continue
        done.append(person_id)
        if not dry_run:
            attachments, events = person_pseudonymise(person_id, run)
            run.attachments += attachments
            run.audit_events += events
    run.persons = len(done)
    run.person_ids = done
    run.finished_at = timezone.now()
    run.save()
    logger.info(
        "retention_run run=%s dry=%s persons=%s held=%s attachments=%s audit_events=%s",
        run.pk,
        dry_run,
        run.persons,
        run.held,
        run.attachments,
        run.audit_events,
    )
    return run


PERSON_TEXT = (
    "kk_number",
    "address",
    "phone",
    "birth_place",
    "guardian_name",
    "guardian_phone",
    "notes",
)


@transaction.atomic
def person_pseudonymise(person_id: int, run: RetentionRun) -> tuple[int, int]:
    """Replaces one person's identifying data. Returns (attachments deleted, events rewritten).

    One transaction per person: a failure leaves that person as they were and the others done.
    """
    person = Person.objects.select_for_update().get(pk=person_id)
    identifiers = {
        value
        for value in (
            person.name,
            person.nik,
            person.kk_number,
            person.address,
            person.phone,
            person.guardian_name,
            person.guardian_phone,
        )
        if value and len(value) >= MIN_IDENTIFIER
    }
    person.name = f"Pseudonim {person.pk}"
    person.nik = None
    for name in PERSON_TEXT:
        setattr(person, name, "")
    if person.birth_date:
        person.birth_date = date(person.birth_date.year, 7, 1)
        person.birth_date_is_estimate = True
    person.version += 1
    person.save()

    cases = Case.objects.filter(person=person)
    case_ids = list(cases.values_list("pk", flat=True))
    cases.update(notes="")
    Intervention.objects.filter(case_id__in=case_ids).update(notes="")
    CaseTransition.objects.filter(case_id__in=case_ids).update(reason="")
    PasungEvent.objects.filter(detail__case_id__in=case_ids).update(notes="")
    attachments = list(Attachment.objects.filter(case_id__in=case_ids))
    for attachment in attachments:
        storage.delete_with_file(attachment)

    targets = Q(target_type="cases.person", target_id=str(person.pk)) | Q(
        target_type="cases.case", target_id__in=[str(pk) for pk in case_ids]
    )
    memberships = KubeMember.objects.filter(person=person).values_list("pk", flat=True)
    targets |= Q(target_type="kube.kubemember", target_id__in=[str(pk) for pk in memberships])
    rewritten = 0
    for event in AuditEvent.objects.filter(targets).only("pk", "changes", "reason"):
        changes = _scrub(event.changes, identifiers)
        reason = _scrub(event.reason, identifiers)
        if changes != event.changes or reason != event.reason:
            # The one edit the append-only trail allows: UU 27/2022 erasure reaches the history.
            AuditEvent.objects.filter(pk=event.pk).update(changes=changes, reason=reason)
            rewritten += 1
    Pseudonymised.objects.create(person=person, run=run)
    audit_record(
        actor=None,
        action=AuditEvent.Action.UPDATE,
        target=person,
        changes={"pseudonymised": [False, True]},
        reason=f"retention run {run.pk}",
        regency_id=person.regency_id,
    )
    return len(attachments), rewritten


# Fields whose recorded values are replaced whatever they hold: the replaced fields themselves,
# and attachments (their descriptions and file names).
SCRUBBED_FIELDS = {"name", "nik", "birth_date", "attachment", "reason", *PERSON_TEXT}


def _scrub(value, identifiers: set[str], *, whole: bool = False):
    """The value with every string holding one of the identifiers replaced (every value at all,
    when `whole`: the old and new values of a replaced field)."""
    if whole and value is not None and not isinstance(value, list | dict):
        return PSEUDONYMISED
    if isinstance(value, str):
        return PSEUDONYMISED if any(i in value for i in identifiers) else value
    if isinstance(value, list):
        return [_scrub(item, identifiers, whole=whole) for item in value]
    if isinstance(value, dict):
        return {
            key: _scrub(item, identifiers, whole=whole or key in SCRUBBED_FIELDS)
            for key, item in value.items()
        }
    return value


# ---------------------------------------------------------------------------------------------
# Administration: rules and legal holds


def _require_admin(actor) -> None:
    if not access.can(actor, access.Capability.MANAGE_PRIVACY):
        raise PermissionDenied


@transaction.atomic
def retention_rule_set(*, actor, category: Category, years: int, reason: str) -> RetentionRule:
    """Sets a category's retention period (audited, with the reason the DPO approved)."""
    _require_admin(actor)
    rule = RetentionRule.objects.filter(category=category).first()
    old = rule.years if rule else default_for(category.code, category.cluster)[0]
    rule = rule or RetentionRule(category=category)
    rule.years, rule.reason, rule.updated_by = years, reason, actor
    rule.full_clean()
    rule.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=rule,
        changes={"years": [old, years]},
        reason=reason,
    )
    return rule


@transaction.atomic
def legal_hold_place(*, actor, person: Person, reason: str) -> LegalHold:
    _require_admin(actor)
    hold = LegalHold.objects.create(person=person, reason=reason, placed_by=actor)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=hold,
        changes={"person": [None, person.pk]},
        reason=reason,
        regency_id=person.regency_id,
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, actor, hold: LegalHold) -> LegalHold:
    _require_admin(actor)
    if hold.lifted_at is None:
        hold.lifted_at, hold.lifted_by = timezone.now(), actor
        hold.save(update_fields=["lifted_at", "lifted_by"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=hold,
            changes={"lifted_at": [None, str(hold.lifted_at)]},
        )
    return hold
