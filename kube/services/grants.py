"""Grants to a group and their disbursements."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from kube.models import (
    GrantDisbursement,
    Kube,
    KubeGrant,
    KubeMember,
    KubeRules,
    MemberRole,
)
from kube.services.common import _check_amounts, _lock_kube, _not_in_future
from kube.services.members import formation_problems
from kube.services.stages import stage_refresh
from pmks_portal import access
from pmks_portal.templatetags.portal import rupiah


@transaction.atomic
def grant_add(*, actor, kube: Kube, data: dict) -> KubeGrant:
    """Records a grant to a formed group, with its first stage when it was paid already."""
    access.require(access.can_write_record(actor, kube.regency_id))
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
    access.require(access.can_write_record(actor, grant.kube.regency_id))
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
