"""Writes to KUBE groups, members, grants, reports, partners and the stage.

Each service is atomic, checks the actor's right to write through pmks_portal.access, validates
(a clear message, and nothing saved, when input is bad), writes the audit trail and refreshes
the group's stage when what it is scored on changed. Views call exactly one of these.
"""

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record, field_changes, snapshot
from cases import services as case_services
from cases.models import Case, CaseStatus, Person
from cases.services import check_place, require_write
from kube import scoring
from kube.health import report_due_on
from kube.models import (
    REPORT_MONEY_FIELDS,
    BusinessType,
    GrantDisbursement,
    Kube,
    KubeGrant,
    KubeMember,
    KubePartnership,
    KubeReport,
    KubeReportRevision,
    KubeRules,
    KubeStageChange,
    KubeStatus,
    KubeStatusChange,
    MemberRole,
    Partner,
    Stage,
    StageChangeSource,
    add_months,
    first_of_month,
)
from pmks_portal import access, choices_cache
from pmks_portal.access import Capability
from pmks_portal.records import lock_version, save_new_version, save_reference_row
from pmks_portal.templatetags.portal import rupiah
from regions.models import Region

FAKIR_MISKIN = "FM"

KUBE_FIELDS = [
    "name",
    "registration_number",
    "sk_number",
    "sk_date",
    "year_formed",
    "district",
    "village",
    "address",
    "business_type",
    "business_description",
    "bank_name",
    "bank_account_number",
    "bank_account_name",
    "pendamping_user",
    "pendamping_name",
    "pendamping_phone",
    "reporting_from",
]
REPORT_INPUT_FIELDS = [
    *REPORT_MONEY_FIELDS,
    "meetings_held",
    "bookkeeping_kept",
    "problems",
    "pendamping_notes",
]
RULES_FIELDS = [
    "min_members",
    "max_members",
    "eligible_age_min",
    "eligible_age_max",
    "report_due_day",
    "score_window",
    "meetings_target",
    "capital_ratio_target",
    "partners_target",
    "berkembang_min_score",
    "berkembang_min_reports",
    "maju_min_score",
    "maju_min_reports",
]
# Which status a group may move to from which (graduation is final).
STATUS_MOVES = {
    KubeStatus.ACTIVE: {KubeStatus.INACTIVE, KubeStatus.GRADUATED},
    KubeStatus.INACTIVE: {KubeStatus.ACTIVE},
    KubeStatus.GRADUATED: set(),
}


class NeedsConfirmation(Exception):
    """Warnings the user must see and confirm before the member is added (nothing saved yet).

    `near_matches` are persons of the registry that may be the same as a new person typed in;
    near matches outside the user's scope are only counted (`hidden_near`).
    """

    def __init__(self, warnings: list[str], near_matches=(), hidden_near: int = 0):
        super().__init__(" ".join(warnings))
        self.warnings = list(warnings)
        self.near_matches = list(near_matches)
        self.hidden_near = hidden_near


# --- Helpers ---------------------------------------------------------------------------------


def _require(actor, capability: Capability) -> None:
    if not access.can(actor, capability):
        raise PermissionDenied


def _today() -> date:
    return timezone.localdate()


def _not_in_future(day: date | None, field: str, label: str) -> None:
    if day is not None and day > _today():
        raise ValidationError({field: _("%(label)s cannot be in the future.") % {"label": label}})


def _check_amounts(data: dict, fields: Iterable[str], model: type[models.Model]) -> None:
    errors = {}
    for field in fields:
        value = data.get(field)
        if value is not None and value < 0:
            label = capfirst(model._meta.get_field(field).verbose_name)
            errors[field] = _("%(field)s cannot be negative.") % {"field": label}
    if errors:
        raise ValidationError(errors)


def mask_account(number: str) -> str:
    """A bank account number with all but its last four digits hidden: ******7890."""
    text = str(number or "")
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * (len(text) - 4) + text[-4:]


def _lock_kube(kube: Kube) -> Kube:
    return Kube.objects.select_for_update().get(pk=kube.pk)


def _audited_value(field: str, value):
    return mask_account(value) if field == "bank_account_number" and value else value


def _audit_changes(obj, fields: list[str], before: dict) -> dict:
    changes = field_changes(obj, fields, before)
    if "year_formed" in changes:  # a year, not a quantity: no thousands separator in the trail
        changes["year_formed"] = [None if y is None else str(y) for y in changes["year_formed"]]
    if "bank_account_number" in changes:
        old, new = changes["bank_account_number"]
        changes["bank_account_number"] = [
            _audited_value("bank_account_number", old),
            mask_account(new),
        ]
    return changes


def _member_label(person: Person) -> str:
    return f"{person.name} (#{person.pk})"


# --- Groups ----------------------------------------------------------------------------------


def _clean_kube_data(regency_code: str, data: dict, *, instance: Kube | None = None) -> dict:
    data = dict(data)
    data["name"] = " ".join(str(data.get("name", "")).split())
    data["registration_number"] = str(data.get("registration_number") or "").strip()
    data["bank_account_number"] = re.sub(r"[\s.\-]", "", str(data.get("bank_account_number") or ""))
    errors = {}
    if data["bank_account_number"] and not re.fullmatch(r"\d{5,20}", data["bank_account_number"]):
        errors["bank_account_number"] = _("An account number has 5 to 20 digits.")
    check_place(regency_code, data.get("district"), data.get("village"))
    district, village = data.get("district"), data.get("village")
    if village is not None and district is None:
        data["district"] = village.parent
    elif village is not None and district is not None and village.parent_id != district.code:
        errors["village"] = _("This village is not in the chosen district.")
    pendamping = data.get("pendamping_user")
    if pendamping is not None and pendamping.regency_id != regency_code:
        errors["pendamping_user"] = _("The companion must be a user of this regency/city.")
    today = _today()
    if data.get("sk_date") and data["sk_date"] > today:
        errors["sk_date"] = _("The decree date cannot be in the future.")
    if data.get("year_formed") and data["year_formed"] > today.year:
        errors["year_formed"] = _("The year formed cannot be in the future.")
    if data.get("reporting_from"):
        data["reporting_from"] = first_of_month(data["reporting_from"])
        if data["reporting_from"] > first_of_month(today):
            errors["reporting_from"] = _("Reports cannot be expected from a future month.")
        stopped = instance.reporting_until if instance is not None else None
        if stopped is not None and data["reporting_from"] > stopped:
            errors["reporting_from"] = _("This is after the group stopped reporting.")
    if errors:
        raise ValidationError(errors)
    return data


def _registration_number(regency_code: str, year: int) -> str:
    prefix = f"KUBE/{regency_code}/{year}/"
    number = Kube.objects.filter(registration_number__startswith=prefix).count() + 1
    while Kube.objects.filter(registration_number=f"{prefix}{number:04d}").exists():
        number += 1
    return f"{prefix}{number:04d}"


def _initial_breakdown(rules: KubeRules) -> dict:
    return scoring.compute(rules, [], active_partners=0, total_grants=Decimal(0))


@transaction.atomic
def kube_create(*, actor, regency: Region, data: dict) -> Kube:
    """Registers a group in the actor's regency; members are added afterwards, one by one."""
    require_write(actor, regency.code)
    data = _clean_kube_data(regency.code, data)
    today = _today()
    if not data.get("registration_number"):
        data["registration_number"] = _registration_number(regency.code, data["year_formed"])
    data["reporting_from"] = data.get("reporting_from") or first_of_month(today)
    rules = KubeRules.current()
    breakdown = _initial_breakdown(rules)
    # Active since the decree, or else since the year it was formed, not since it was typed in.
    active_since = min(data.get("sk_date") or date(data["year_formed"], 1, 1), today)
    kube = Kube(
        regency=regency,
        status=KubeStatus.ACTIVE,
        status_since=active_since,
        computed_stage=breakdown["stage"],
        stage=breakdown["stage"],
        stage_score=breakdown["score"],
        stage_breakdown=breakdown,
        created_by=actor,
        **{field: data.get(field) for field in KUBE_FIELDS if field in data},
    )
    for field in ("sk_number", "address", "business_description", "bank_name"):
        setattr(kube, field, getattr(kube, field) or "")
    for field in ("bank_account_name", "pendamping_name", "pendamping_phone"):
        setattr(kube, field, getattr(kube, field) or "")
    kube.full_clean()
    try:
        with transaction.atomic():
            kube.save()
    except IntegrityError:
        raise ValidationError(
            {"registration_number": _("This registration number is taken already.")}
        ) from None
    KubeStatusChange.objects.create(
        kube=kube, to_status=kube.status, effective_on=active_since, by=actor
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=kube,
        changes=_audit_changes(kube, KUBE_FIELDS, {}),
        regency_id=regency.code,
    )
    return kube


@transaction.atomic
def kube_update(*, actor, kube: Kube, expected_version: int, data: dict) -> Kube:
    """Saves changes to a group's particulars unless someone else saved first (EditConflict)."""
    require_write(actor, kube.regency_id)
    locked = lock_version(Kube, kube.pk, expected_version)
    data = _clean_kube_data(locked.regency_id, data, instance=locked)
    if not data.get("registration_number"):
        data["registration_number"] = locked.registration_number
    if not data.get("reporting_from"):
        data["reporting_from"] = locked.reporting_from
    before = snapshot(locked, KUBE_FIELDS)
    for field in KUBE_FIELDS:
        if field in data:
            value = data[field]
            if value is None and isinstance(Kube._meta.get_field(field), models.CharField):
                value = ""
            setattr(locked, field, value)
    locked.full_clean()
    changes = _audit_changes(locked, KUBE_FIELDS, before)
    if not changes:
        return locked
    try:
        with transaction.atomic():
            save_new_version(locked, actor=actor, changes=changes, regency_id=locked.regency_id)
    except IntegrityError:
        raise ValidationError(
            {"registration_number": _("This registration number is taken already.")}
        ) from None
    return locked


@transaction.atomic
def kube_set_status(
    *, actor, kube: Kube, to_status: str, effective_on: date | None = None, reason: str = ""
) -> Kube:
    """Active, inactive or graduated from a date. Members of a group that is no longer active
    are free to join another KUBE; reports are expected only while the group is active."""
    require_write(actor, kube.regency_id)
    locked = _lock_kube(kube)
    effective_on = effective_on or _today()
    reason = reason.strip()
    if to_status not in STATUS_MOVES.get(locked.status, set()):
        raise ValidationError(
            _("A group that is %(from)s cannot become %(to)s.")
            % {
                "from": KubeStatus(locked.status).label.lower(),
                "to": KubeStatus(to_status).label.lower() if to_status in KubeStatus else to_status,
            }
        )
    _not_in_future(effective_on, "effective_on", _("The date"))
    if effective_on < locked.status_since:
        raise ValidationError(
            {"effective_on": _("The date cannot be before the current status began.")}
        )
    if to_status == KubeStatus.INACTIVE and not reason:
        raise ValidationError({"reason": _("Say why the group is no longer active.")})
    current_members = KubeMember.objects.filter(kube=locked, left_on__isnull=True)
    if to_status == KubeStatus.ACTIVE:
        taken = (
            KubeMember.objects.filter(is_current=True, person__in=current_members.values("person"))
            .exclude(kube=locked)
            .select_related("person")
        )
        names = [member.person.name for member in taken]
        if names:
            raise ValidationError(
                _(
                    "The group cannot be active again: %(names)s joined another active KUBE "
                    "meanwhile. Record that they left this group first."
                )
                % {"names": ", ".join(names)}
            )
        current_members.update(is_current=True)
        locked.reporting_from = max(locked.reporting_from, first_of_month(effective_on))
        locked.reporting_until = None
    else:
        current_members.update(is_current=False)
        last_expected = add_months(first_of_month(effective_on), -1)
        locked.reporting_until = max(last_expected, locked.reporting_from)
    before = locked.status
    locked.status = to_status
    locked.status_since = effective_on
    locked.version += 1
    locked.save()
    KubeStatusChange.objects.create(
        kube=locked,
        from_status=before,
        to_status=to_status,
        effective_on=effective_on,
        reason=reason,
        by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        target=locked,
        reason=reason,
        changes={"status": [before, to_status], "effective_on": [None, effective_on.isoformat()]},
        regency_id=locked.regency_id,
    )
    return locked


def record_view(*, actor, kube: Kube) -> None:
    """Every opening of a group's page is logged: it lists its members (UU PDP art. 31)."""
    audit_record(
        actor=actor, action=AuditEvent.Action.VIEW, target=kube, regency_id=kube.regency_id
    )


# --- Members ---------------------------------------------------------------------------------


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def is_registered_fakir_miskin(person_ids: Iterable[int]) -> set[int]:
    """Which of these persons have a fakir miskin case that is not closed (one query)."""
    return set(
        Case.objects.filter(person_id__in=list(person_ids), category__code=FAKIR_MISKIN)
        .exclude(status=CaseStatus.CLOSED)
        .values_list("person_id", flat=True)
    )


def eligibility_warnings(
    *,
    rules: KubeRules,
    birth_date: date | None,
    on: date,
    is_fakir_miskin: bool,
) -> list[str]:
    """What the user should check about a member: age outside the rules' range, and not being
    registered as fakir miskin (DOMAIN.md §2.2). Warnings, not errors: the field decides."""
    warnings = []
    if birth_date is None:
        warnings.append(
            _("The date of birth is unknown, so the age (%(min)s–%(max)s) cannot be checked.")
            % {"min": rules.eligible_age_min, "max": rules.eligible_age_max}
        )
    else:
        age = age_on(birth_date, on)
        if not rules.eligible_age_min <= age <= rules.eligible_age_max:
            warnings.append(
                _("Aged %(age)s: KUBE members are usually %(min)s to %(max)s years old.")
                % {"age": age, "min": rules.eligible_age_min, "max": rules.eligible_age_max}
            )
    if not is_fakir_miskin:
        warnings.append(
            _(
                "Not registered as fakir miskin (no open FM case in the registry). KUBE members "
                "should be poor households listed in the DTKS."
            )
        )
    return warnings


def _same_family_warning(kube: Kube, kk_number: str, exclude_person_id=None) -> list[str]:
    if not kk_number:
        return []
    same = KubeMember.objects.filter(
        kube=kube, left_on__isnull=True, person__kk_number=kk_number
    ).select_related("person")
    if exclude_person_id:
        same = same.exclude(person_id=exclude_person_id)
    return [
        _(
            "Same family card (KK) as %(name)s, already a member: KUBE members are heads of "
            "different families."
        )
        % {"name": member.person.name}
        for member in same
    ]


def _check_can_join(actor, kube: Kube, role: str, joined_on: date, rules: KubeRules) -> None:
    """The errors that do not depend on who joins: group closed, full, or a second chair."""
    if not kube.is_active:
        raise ValidationError(_("Only an active group takes new members."))
    _not_in_future(joined_on, "joined_on", _("The date joined"))
    count = KubeMember.objects.filter(kube=kube, left_on__isnull=True).count()
    if count >= rules.max_members:
        raise ValidationError(
            _("The group has %(count)s members already, the most the rules allow.")
            % {"count": count}
        )
    if role == MemberRole.KETUA:
        chair = (
            KubeMember.objects.filter(kube=kube, left_on__isnull=True, role=MemberRole.KETUA)
            .select_related("person")
            .first()
        )
        if chair is not None:
            raise ValidationError(
                {
                    "role": _(
                        "The group already has a chair (ketua): %(name)s. A group has exactly one "
                        "chair; hand the chair over on the member list instead."
                    )
                    % {"name": chair.person.name}
                }
            )


def _check_person_free(actor, kube: Kube, person: Person) -> None:
    if person.merged_into_id:
        raise ValidationError(_("This record was merged into another; add that person instead."))
    membership = (
        KubeMember.objects.filter(person=person, is_current=True).select_related("kube").first()
    )
    if membership is None:
        membership = KubeMember.objects.filter(
            person=person, kube=kube, left_on__isnull=True
        ).first()
    if membership is None:
        return
    if membership.kube_id == kube.pk:
        raise ValidationError(
            _("%(name)s is a member of this group already.") % {"name": person.name}
        )
    other = membership.kube
    if Kube.objects.visible_to(actor).filter(pk=other.pk).exists():
        where = _("KUBE %(name)s (%(number)s)") % {
            "name": other.name,
            "number": other.registration_number,
        }
    else:
        where = _("a KUBE of another regency or city")
    raise ValidationError(
        _("%(name)s is already a member of %(where)s. A person can be in one active KUBE only.")
        % {"name": person.name, "where": where}
    )


@transaction.atomic
def member_add(
    *,
    actor,
    kube: Kube,
    person: Person,
    role: str,
    joined_on: date | None = None,
    confirmed: bool = False,
) -> KubeMember:
    """Adds a person of the registry to an active group.

    Errors (nothing saved): the group is not active or full, a second chair, the person in
    another active KUBE. Warnings to confirm: age, not registered as fakir miskin, same KK.
    """
    require_write(actor, kube.regency_id)
    locked = _lock_kube(kube)
    rules = KubeRules.current()
    joined_on = joined_on or _today()
    _check_can_join(actor, locked, role, joined_on, rules)
    _check_person_free(actor, locked, person)
    if not confirmed:
        warnings = eligibility_warnings(
            rules=rules,
            birth_date=person.birth_date,
            on=joined_on,
            is_fakir_miskin=bool(is_registered_fakir_miskin([person.pk])),
        )
        warnings += _same_family_warning(locked, person.kk_number, person.pk)
        if person.regency_id != locked.regency_id:
            warnings.append(_("This person is registered in another regency or city."))
        if warnings:
            raise NeedsConfirmation(warnings)
    member = KubeMember(
        kube=locked,
        person=person,
        role=role,
        joined_on=joined_on,
        is_current=True,
        created_by=actor,
    )
    member.full_clean()
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        # Someone added the same person (or a chair) at the same moment; the constraints decided.
        _check_person_free(actor, locked, person)
        _check_can_join(actor, locked, role, joined_on, rules)
        raise
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=locked,
        changes={"member_added": [None, _member_label(person)], "role": [None, role]},
        regency_id=locked.regency_id,
    )
    return member


@transaction.atomic
def member_add_new_person(
    *,
    actor,
    kube: Kube,
    person_data: dict,
    role: str,
    joined_on: date | None = None,
    confirmed: bool = False,
) -> KubeMember:
    """Registers the person in the registry (cases.services.person_create: NIK and duplicate
    checks) and adds them. A person whose NIK is registered already is chosen, not created."""
    require_write(actor, kube.regency_id)
    rules = KubeRules.current()
    joined_on = joined_on or _today()
    _check_can_join(actor, kube, role, joined_on, rules)
    try:
        person = case_services.person_create(
            actor=actor, regency=kube.regency, data=person_data, confirmed=confirmed
        )
    except case_services.DuplicateNik as duplicate:
        if duplicate.person is None:
            raise ValidationError(
                _(
                    "A person with this NIK is registered in another regency or city. Ask the "
                    "provincial office to check the record."
                )
            ) from None
        person = duplicate.person
    except case_services.NeedsConfirmation as pending:
        warnings = list(pending.warnings) + eligibility_warnings(
            rules=rules,
            birth_date=person_data.get("birth_date"),
            on=joined_on,
            is_fakir_miskin=False,
        )
        raise NeedsConfirmation(warnings, pending.near_matches, pending.hidden_near) from None
    return member_add(
        actor=actor, kube=kube, person=person, role=role, joined_on=joined_on, confirmed=confirmed
    )


@transaction.atomic
def member_change_role(
    *, actor, member: KubeMember, role: str, hand_over: bool = False
) -> KubeMember:
    """A new role. Making someone chair while there is one needs `hand_over`: the old chair
    becomes an ordinary member in the same step, so the group always has exactly one chair."""
    kube = member.kube
    require_write(actor, kube.regency_id)
    _lock_kube(kube)
    member = KubeMember.objects.select_related("person").get(pk=member.pk)
    if member.left_on is not None:
        raise ValidationError(_("This person has left the group."))
    if role == member.role:
        return member
    if member.role == MemberRole.KETUA:
        raise ValidationError(
            _("The group needs a chair: make another member chair (hand over) instead.")
        )
    changes = {"member": [None, _member_label(member.person)], "role": [member.role, role]}
    if role == MemberRole.KETUA:
        chair = (
            KubeMember.objects.filter(kube=kube, left_on__isnull=True, role=MemberRole.KETUA)
            .select_related("person")
            .first()
        )
        if chair is not None:
            if not hand_over:
                raise ValidationError(
                    _(
                        "The group already has a chair (ketua): %(name)s. Tick “hand the chair "
                        "over” to make this member chair instead."
                    )
                    % {"name": chair.person.name}
                )
            chair.role = MemberRole.ANGGOTA
            chair.save(update_fields=["role"])
            changes["previous_chair"] = [_member_label(chair.person), MemberRole.ANGGOTA]
    member.role = role
    member.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=kube,
        changes=changes,
        regency_id=kube.regency_id,
    )
    return member


@transaction.atomic
def member_leave(
    *, actor, member: KubeMember, left_on: date | None = None, reason: str = ""
) -> KubeMember:
    """Records that a member left; the chair can leave only once someone else is chair."""
    kube = member.kube
    require_write(actor, kube.regency_id)
    _lock_kube(kube)
    member = KubeMember.objects.select_related("person").get(pk=member.pk)
    left_on = left_on or _today()
    if member.left_on is not None:
        raise ValidationError(_("This person has left the group already."))
    _not_in_future(left_on, "left_on", _("The date left"))
    if left_on < member.joined_on:
        raise ValidationError({"left_on": _("The date left cannot be before the date joined.")})
    others = KubeMember.objects.filter(kube=kube, left_on__isnull=True).exclude(pk=member.pk)
    if member.role == MemberRole.KETUA and others.exists():
        raise ValidationError(
            _("The chair cannot leave while there are members: hand the chair over first.")
        )
    member.left_on = left_on
    member.left_reason = reason.strip()
    member.is_current = False
    member.save(update_fields=["left_on", "left_reason", "is_current"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=kube,
        reason=member.left_reason,
        changes={"member_left": [_member_label(member.person), left_on.isoformat()]},
        regency_id=kube.regency_id,
    )
    return member


def formation_problems(*, member_count: int, has_chair: bool, rules: KubeRules) -> list[str]:
    """What keeps the group from being formed: too few or too many members, no chair."""
    problems = []
    if member_count < rules.min_members:
        problems.append(
            _("%(count)s of at least %(min)s members.")
            % {"count": member_count, "min": rules.min_members}
        )
    if member_count > rules.max_members:
        problems.append(
            _("%(count)s members, more than the %(max)s the rules allow.")
            % {"count": member_count, "max": rules.max_members}
        )
    if not has_chair:
        problems.append(_("No chair (ketua) yet."))
    return problems


# --- Grants ----------------------------------------------------------------------------------


@transaction.atomic
def grant_add(*, actor, kube: Kube, data: dict) -> KubeGrant:
    """Records a grant to a formed group, with its first stage when it was paid already."""
    require_write(actor, kube.regency_id)
    locked = _lock_kube(kube)
    rules = KubeRules.current()
    _check_amounts(data, ["amount"], KubeGrant)
    if data.get("amount") is not None and data["amount"] == 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    _not_in_future(data.get("granted_on"), "granted_on", _("The date of the grant"))
    members = KubeMember.objects.filter(kube=locked, left_on__isnull=True)
    problems = formation_problems(
        member_count=members.count(),
        has_chair=members.filter(role=MemberRole.KETUA).exists(),
        rules=rules,
    )
    if problems:
        raise ValidationError(
            _("A grant goes to a formed group. Still missing: %(problems)s")
            % {"problems": " ".join(problems)}
        )
    first_amount, first_on = data.pop("first_amount", None), data.pop("first_paid_on", None)
    grant = KubeGrant(kube=locked, created_by=actor, **data)
    grant.full_clean()
    grant.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=locked,
        changes={
            "grant": [None, rupiah(grant.amount)],
            "source": [None, grant.source],
            "granted_on": [None, grant.granted_on.isoformat()],
        },
        regency_id=locked.regency_id,
    )
    if first_amount is not None:
        disbursement_add(
            actor=actor,
            grant=grant,
            data={"amount": first_amount, "disbursed_on": first_on or grant.granted_on},
        )
    stage_refresh(kube=locked, actor=actor)
    return grant


@transaction.atomic
def disbursement_add(*, actor, grant: KubeGrant, data: dict) -> GrantDisbursement:
    """Records a stage (tahap) of the grant's payment; the stages never exceed the grant."""
    require_write(actor, grant.kube.regency_id)
    grant = KubeGrant.objects.select_for_update().select_related("kube").get(pk=grant.pk)
    amount, paid_on = data.get("amount"), data.get("disbursed_on")
    _check_amounts(data, ["amount"], GrantDisbursement)
    if amount is None or amount == 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    _not_in_future(paid_on, "disbursed_on", _("The date paid"))
    if paid_on is not None and paid_on < grant.granted_on:
        raise ValidationError({"disbursed_on": _("A stage cannot be paid before the grant date.")})
    paid = grant.disbursements.aggregate(total=Sum("amount"), last=Max("number"))
    total = (paid["total"] or Decimal(0)) + amount
    if total > grant.amount:
        raise ValidationError(
            {
                "amount": _(
                    "The stages would add up to %(total)s, more than the grant of %(grant)s."
                )
                % {"total": rupiah(total), "grant": rupiah(grant.amount)}
            }
        )
    disbursement = GrantDisbursement(
        grant=grant,
        number=(paid["last"] or 0) + 1,
        amount=amount,
        disbursed_on=paid_on,
        note=data.get("note", ""),
        created_by=actor,
    )
    disbursement.full_clean()
    disbursement.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=grant.kube,
        changes={
            "grant_stage": [None, f"{disbursement.number}: {rupiah(amount)}"],
            "paid_on": [None, paid_on.isoformat() if paid_on else None],
        },
        regency_id=grant.kube.regency_id,
    )
    return disbursement


# --- Monthly reports -------------------------------------------------------------------------


def _check_report_values(data: dict) -> None:
    _check_amounts(data, REPORT_MONEY_FIELDS, KubeReport)


@transaction.atomic
def report_add(*, actor, kube: Kube, data: dict) -> KubeReport:
    """Records a group's monthly report: one per month, never for a future month, no negative
    amounts. Profit is revenue minus costs. Late when received after the due day."""
    require_write(actor, kube.regency_id)
    locked = _lock_kube(kube)
    rules = KubeRules.current()
    month = data.get("month")
    if month is None:
        raise ValidationError({"month": _("Choose the month of the report.")})
    month = first_of_month(month)
    today = _today()
    if month > first_of_month(today):
        raise ValidationError({"month": _("A report cannot be for a future month.")})
    if month.year < locked.year_formed:
        raise ValidationError(
            {
                "month": _("The group was formed in %(year)s, after this month.")
                % {"year": locked.year_formed}
            }
        )
    _check_report_values(data)
    duplicate_message = _(
        "There is a report for this month already; open it to correct it instead."
    )
    if KubeReport.objects.filter(kube=locked, month=month).exists():
        raise ValidationError({"month": duplicate_message})
    report = KubeReport(
        kube=locked,
        month=month,
        received_on=today,
        is_late=today > report_due_on(month, rules),
        submitted_by=actor,
        **{field: data[field] for field in REPORT_INPUT_FIELDS if field in data},
    )
    report.profit = report.revenue - report.costs
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError({"month": duplicate_message}) from None
    if locked.last_report_month is None or month > locked.last_report_month:
        locked.last_report_month = month
        locked.save(update_fields=["last_report_month"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=report,
        changes=field_changes(report, ["month", *REPORT_INPUT_FIELDS, "profit"], {}),
        regency_id=locked.regency_id,
    )
    stage_refresh(kube=locked, actor=actor)
    return report


@transaction.atomic
def report_correct(
    *, actor, report: KubeReport, expected_version: int, data: dict, reason: str
) -> KubeReport:
    """Corrects a monthly report. The values before are kept (KubeReportRevision and the audit
    trail, old → new), with who corrected and why; a reason is required."""
    require_write(actor, report.kube.regency_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report is corrected.")})
    locked = lock_version(KubeReport, report.pk, expected_version)
    _check_report_values(data)
    before_values = locked.values()
    fields = [*REPORT_INPUT_FIELDS, "profit"]
    before = snapshot(locked, fields)
    for field in REPORT_INPUT_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    locked.profit = locked.revenue - locked.costs
    locked.full_clean(validate_constraints=False)
    changes = field_changes(locked, fields, before)
    if not changes:
        return locked
    KubeReportRevision.objects.create(
        report=locked, number=locked.version, values=before_values, reason=reason, by=actor
    )
    save_new_version(
        locked, actor=actor, changes=changes, reason=reason, regency_id=locked.kube.regency_id
    )
    stage_refresh(kube=locked.kube, actor=actor)
    return locked


# --- Stage -----------------------------------------------------------------------------------


def active_partner_count(kube_ids: Iterable[int], on: date) -> dict[int, int]:
    """Partners with an open link on `on`, per group (one query)."""
    rows = (
        KubePartnership.objects.filter(kube_id__in=list(kube_ids), started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .values("kube_id")
        .annotate(partners=models.Count("partner_id", distinct=True))
    )
    return {row["kube_id"]: row["partners"] for row in rows}


def grant_totals(kube_ids: Iterable[int]) -> dict[int, Decimal]:
    rows = (
        KubeGrant.objects.filter(kube_id__in=list(kube_ids))
        .values("kube_id")
        .annotate(total=Sum("amount"))
    )
    return {row["kube_id"]: row["total"] for row in rows}


def _apply_breakdown(kube: Kube, breakdown: dict) -> bool:
    """Puts a new score on the group (not saved); True when the computed stage changed."""
    changed = kube.computed_stage != breakdown["stage"]
    kube.computed_stage = breakdown["stage"]
    kube.stage_score = breakdown["score"]
    kube.stage_breakdown = breakdown
    kube.stage = kube.stage_override or kube.computed_stage
    return changed


STAGE_FIELDS = ["computed_stage", "stage_score", "stage_breakdown", "stage"]


def stage_refresh(*, kube: Kube, actor=None, rules: KubeRules | None = None) -> Kube:
    """Scores the group again from its latest reports, partners and grants (kube.scoring).

    A change of the computed stage is kept in the stage history. Called by the services that
    change what the score reads, inside their transaction.
    """
    rules = rules or KubeRules.current()
    reports = [
        scoring.Figures.of(report)
        for report in KubeReport.objects.filter(kube=kube).order_by("-month")[: rules.score_window]
    ]
    breakdown = scoring.compute(
        rules,
        reports,
        active_partners=active_partner_count([kube.pk], _today()).get(kube.pk, 0),
        total_grants=grant_totals([kube.pk]).get(kube.pk, Decimal(0)),
    )
    before = kube.computed_stage
    if _apply_breakdown(kube, breakdown):
        KubeStageChange.objects.create(
            kube=kube,
            source=StageChangeSource.COMPUTED,
            from_stage=before,
            to_stage=kube.computed_stage,
            score=kube.stage_score,
            by=actor if getattr(actor, "pk", None) else None,
        )
    kube.save(update_fields=STAGE_FIELDS)
    return kube


@transaction.atomic
def stage_override_set(*, actor, kube: Kube, stage: str, reason: str) -> Kube:
    """Sets the stage by hand (or, with stage "", returns to the computed one). A reason is
    required either way; both are kept in the stage history and the audit trail."""
    require_write(actor, kube.regency_id)
    locked = _lock_kube(kube)
    reason = (reason or "").strip()
    if stage and stage not in Stage.values:
        raise ValidationError({"stage": _("Choose a stage.")})
    if not reason:
        raise ValidationError({"reason": _("Say why the stage is set by hand.")})
    if stage == locked.stage_override:
        raise ValidationError({"stage": _("The stage is set like this already.")})
    before_stage, before_override = locked.stage, locked.stage_override
    locked.stage_override = stage
    locked.stage_override_reason = reason if stage else ""
    locked.stage = stage or locked.computed_stage
    locked.version += 1
    locked.save()
    KubeStageChange.objects.create(
        kube=locked,
        source=StageChangeSource.OVERRIDE if stage else StageChangeSource.OVERRIDE_CLEARED,
        from_stage=before_stage,
        to_stage=locked.stage,
        score=locked.stage_score,
        reason=reason,
        by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=locked,
        reason=reason,
        changes={"stage_override": [before_override, stage], "stage": [before_stage, locked.stage]},
        regency_id=locked.regency_id,
    )
    return locked


CHUNK = 500


def recompute_all_stages(*, rules: KubeRules | None = None, today: date | None = None) -> int:
    """Scores every group again (after the rules changed); returns how many changed stage.

    Works in chunks of groups: three queries and one bulk update per chunk, whatever the
    number of reports.
    """
    rules = rules or KubeRules.current()
    today = today or _today()
    changed_count = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            chunk = list(
                Kube.objects.filter(pk__gt=last_pk)
                .order_by("pk")
                .only("pk", "computed_stage", "stage_override", "stage", "stage_score")[:CHUNK]
            )
            if not chunk:
                break
            last_pk = chunk[-1].pk
            ids = [kube.pk for kube in chunk]
            reports: dict[int, list] = {pk: [] for pk in ids}
            for row in (
                KubeReport.objects.filter(kube_id__in=ids)
                .order_by("kube_id", "-month")
                .values_list(
                    "kube_id",
                    "month",
                    "profit",
                    "capital",
                    "iks_collected",
                    "iks_used",
                    "meetings_held",
                    "bookkeeping_kept",
                )
                .iterator(chunk_size=5000)
            ):
                latest = reports[row[0]]
                if len(latest) < rules.score_window:
                    latest.append(scoring.Figures(*row[1:]))
            partners = active_partner_count(ids, today)
            grants = grant_totals(ids)
            updates, history = [], []
            for kube in chunk:
                before = kube.computed_stage
                breakdown = scoring.compute(
                    rules,
                    reports[kube.pk],
                    active_partners=partners.get(kube.pk, 0),
                    total_grants=grants.get(kube.pk, Decimal(0)),
                )
                if _apply_breakdown(kube, breakdown):
                    changed_count += 1
                    history.append(
                        KubeStageChange(
                            kube=kube,
                            source=StageChangeSource.COMPUTED,
                            from_stage=before,
                            to_stage=kube.computed_stage,
                            score=kube.stage_score,
                            reason=_("The stage rules were changed."),
                        )
                    )
                updates.append(kube)
            Kube.objects.bulk_update(updates, STAGE_FIELDS, batch_size=CHUNK)
            KubeStageChange.objects.bulk_create(history, batch_size=CHUNK)
    return changed_count


# --- Partners --------------------------------------------------------------------------------


@transaction.atomic
def partner_link(*, actor, kube: Kube, data: dict) -> KubePartnership:
    """Links a partner to the group with what it gives. A partner typed in by name is taken
    from the directory when it is there (same name, any case), else added to it."""
    require_write(actor, kube.regency_id)
    locked = _lock_kube(kube)
    partner = data.get("partner")
    if partner is None:
        name = " ".join(str(data.get("new_partner_name") or "").split())
        if not name:
            raise ValidationError({"partner": _("Choose a partner or type the name of a new one.")})
        partner = Partner.objects.filter(name__iexact=name).first()
        if partner is None:
            partner = Partner(
                name=name,
                type=data.get("new_partner_type") or "other",
                created_by=actor,
            )
            partner.full_clean()
            partner.save()
    if not partner.is_active:
        raise ValidationError({"partner": _("This partner is no longer active.")})
    _check_amounts(data, ["value"], KubePartnership)
    _not_in_future(data.get("started_on"), "started_on", _("The start"))
    if not data.get("supports"):
        raise ValidationError({"supports": _("Say what the partner gives.")})
    if KubePartnership.objects.filter(kube=locked, partner=partner, ended_on__isnull=True).exists():
        raise ValidationError({"partner": _("This partner is already linked to the group.")})
    link = KubePartnership(
        kube=locked,
        partner=partner,
        supports=list(data["supports"]),
        value=data.get("value"),
        started_on=data.get("started_on") or _today(),
        notes=data.get("notes", ""),
        created_by=actor,
    )
    link.full_clean()
    link.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=locked,
        changes={"partner_linked": [None, partner.name], "supports": [None, link.supports]},
        regency_id=locked.regency_id,
    )
    stage_refresh(kube=locked, actor=actor)
    return link


@transaction.atomic
def partnership_end(
    *, actor, partnership: KubePartnership, ended_on: date | None = None
) -> KubePartnership:
    kube = partnership.kube
    require_write(actor, kube.regency_id)
    _lock_kube(kube)
    link = KubePartnership.objects.select_related("partner").get(pk=partnership.pk)
    ended_on = ended_on or _today()
    if link.ended_on is not None:
        raise ValidationError(_("This partnership has ended already."))
    _not_in_future(ended_on, "ended_on", _("The end"))
    if ended_on < link.started_on:
        raise ValidationError({"ended_on": _("A partnership cannot end before it started.")})
    link.ended_on = ended_on
    link.save(update_fields=["ended_on"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=kube,
        changes={"partner_ended": [link.partner.name, ended_on.isoformat()]},
        regency_id=kube.regency_id,
    )
    stage_refresh(kube=kube, actor=actor)
    return link


PARTNER_FIELDS = ["name", "type", "contact_name", "contact_phone", "notes", "is_active"]


@transaction.atomic
def partner_save(*, actor, partner: Partner) -> Partner:
    """Administrators keep the partner directory (province-wide reference data)."""
    _require(actor, Capability.MANAGE_REFERENCE)
    partner.name = " ".join(partner.name.split())
    if partner.pk is None:
        partner.created_by = actor
    save_reference_row(partner, actor=actor, fields=PARTNER_FIELDS)
    return partner


# --- Reference data --------------------------------------------------------------------------

BUSINESS_TYPE_FIELDS = ["code", "name", "name_en", "sort_order", "is_active"]


@transaction.atomic
def business_type_save(*, actor, business_type: BusinessType) -> BusinessType:
    _require(actor, Capability.MANAGE_REFERENCE)
    save_reference_row(business_type, actor=actor, fields=BUSINESS_TYPE_FIELDS)
    choices_cache.forget()
    return business_type


@transaction.atomic
def rules_save(*, actor, expected_version: int, data: dict) -> KubeRules:
    """Changes the KUBE rules; every group's stage is then scored again (a Celery task)."""
    _require(actor, Capability.MANAGE_REFERENCE)
    KubeRules.objects.get_or_create(pk=1)
    rules = lock_version(KubeRules, 1, expected_version)
    before = snapshot(rules, RULES_FIELDS)
    for field in RULES_FIELDS:
        if field in data:
            setattr(rules, field, data[field])
    rules.full_clean()
    changes = field_changes(rules, RULES_FIELDS, before)
    if not changes:
        return rules
    rules.updated_by = actor
    save_new_version(rules, actor=actor, changes=changes)
    from kube.tasks import recompute_stages

    transaction.on_commit(recompute_stages.delay)
    return rules
