"""Changes to regions: rename, deactivate, delete. Every change is kept in the audit trail."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record, field_changes, snapshot
from pmks_portal import choices_cache
from regions.models import Region

EDITABLE_FIELDS = ["name", "is_active"]


@transaction.atomic
def region_update(*, region: Region, actor, name: str, is_active: bool, reason: str) -> Region:
    """Renames and/or (de)activates a region; the reason is required and kept with the change."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the region changes.")})
    locked = Region.objects.select_for_update().get(pk=region.pk)
    before = snapshot(locked, EDITABLE_FIELDS)
    locked.name, locked.is_active = name.strip(), is_active
    locked.full_clean()
    changes = field_changes(locked, EDITABLE_FIELDS, before)
    if not changes:
        return locked
    locked.save(update_fields=list(changes))
    choices_cache.forget()
    audit_record(
        actor=actor,
        action=_region_action(changes),
        target=locked,
        changes=changes,
        reason=reason.strip(),
        regency_id=locked.regency_code if locked.level != "province" else None,
    )
    return locked


def _region_action(changes: dict) -> str:
    if "is_active" in changes and "name" not in changes:
        return (
            AuditEvent.Action.ACTIVATE if changes["is_active"][1] else AuditEvent.Action.DEACTIVATE
        )
    return AuditEvent.Action.UPDATE


class RegionInUse(Exception):
    """Records or sub-regions point at the region, so it cannot be deleted."""


def region_delete(*, region: Region, actor, reason: str) -> None:
    """Deletes a region that nothing points to; otherwise raises RegionInUse and keeps it."""
    try:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action=AuditEvent.Action.DELETE,
                target=region,
                changes={"name": [region.name, None]},
                reason=reason,
                regency_id=region.regency_code if region.level != "regency" else None,
            )
            region.delete()
            choices_cache.forget()
    except ProtectedError:
        raise RegionInUse(
            _("%(region)s is used by other records; deactivate it instead.") % {"region": region}
        ) from None
