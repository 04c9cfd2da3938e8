"""Members joining, changing role and leaving, with the eligibility warnings."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from cases import services as case_services
from cases.models import Case, CaseStatus, Person
from kube.models import (
    Kube,
    KubeMember,
    KubeRules,
    MemberRole,
)
from kube.services.common import _lock_kube, _member_label, _not_in_future, _today
from pmks_portal import access

FAKIR_MISKIN = "FM"


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


def _current_chair(kube: Kube) -> KubeMember | None:
    return (
        KubeMember.objects.filter(kube=kube, left_on__isnull=True, role=MemberRole.KETUA)
        .select_related("person")
        .first()
    )


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
        chair = _current_chair(kube)
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
    access.require(access.can_write_record(actor, kube.regency_id))
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
    access.require(access.can_write_record(actor, kube.regency_id))
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
    access.require(access.can_write_record(actor, kube.regency_id))
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
        chair = _current_chair(kube)
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
    access.require(access.can_write_record(actor, kube.regency_id))
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
