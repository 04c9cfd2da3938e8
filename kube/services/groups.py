"""A group's registration, its details and its status."""

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.records import lock_version, save_new_version
from audit.services import audit_record, snapshot
from cases.services import check_place
from kube import scoring
from kube.models import (
    Kube,
    KubeMember,
    KubeRules,
    KubeStatus,
    KubeStatusChange,
    add_months,
    first_of_month,
)
from kube.services.common import _audit_changes, _lock_kube, _not_in_future, _today
from pmks_portal import access
from regions.models import Region

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
# Which status a group may move to from which (graduation is final).
STATUS_MOVES = {
    KubeStatus.ACTIVE: {KubeStatus.INACTIVE, KubeStatus.GRADUATED},
    KubeStatus.INACTIVE: {KubeStatus.ACTIVE},
    KubeStatus.GRADUATED: set(),
}


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
    access.require(access.can_write_record(actor, regency.code))
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
    access.require(access.can_write_record(actor, kube.regency_id))
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
    access.require(access.can_write_record(actor, kube.regency_id))
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
