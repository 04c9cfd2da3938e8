"""Partnerships of a group and the province's partner directory."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.records import save_reference_row
from audit.services import audit_record
from kube.models import (
    Kube,
    KubePartnership,
    Partner,
)
from kube.services.common import _check_amounts, _lock_kube, _not_in_future, _today
from kube.services.stages import stage_refresh
from pmks_portal import access
from pmks_portal.access import Capability


@transaction.atomic
def partner_link(*, actor, kube: Kube, data: dict) -> KubePartnership:
    """Links a partner to the group with what it gives. A partner typed in by name is taken
    from the directory when it is there (same name, any case), else added to it."""
    access.require(access.can_write_record(actor, kube.regency_id))
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
    access.require(access.can_write_record(actor, kube.regency_id))
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
    access.require(access.can(actor, Capability.MANAGE_REFERENCE))
    partner.name = " ".join(partner.name.split())
    if partner.pk is None:
        partner.created_by = actor
    save_reference_row(partner, actor=actor, fields=PARTNER_FIELDS)
    return partner
