"""An administrator's decision on a suspected pair: merge the two records, or say they are two
people. Both are recorded in the audit trail, with the reason given."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from cases import services as case_services
from cases.models import Person
from duplicates.models import PairStatus, SuspectedPair
from pmks_portal import access


def _decide(*, actor, pair: SuspectedPair, status: str, reason: str) -> SuspectedPair:
    pair = SuspectedPair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != PairStatus.OPEN:
        raise ValidationError(_("This pair was decided already."))
    before = pair.status
    pair.status, pair.reason = status, reason
    pair.decided_by, pair.decided_at = actor, timezone.now()
    pair.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=pair,
        changes={"status": [before, status]},
        reason=reason,
        regency_id=pair.regency_id,
    )
    return pair


def _reason(reason: str, message: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": message})
    return reason.strip()


@transaction.atomic
def suspected_pair_merge(*, actor, pair: SuspectedPair, keep: Person, reason: str) -> Person:
    """Merges the pair's other record into `keep` (cases.services.person_merge: its checks,
    its audit events on both persons), and closes the pair as merged."""
    access.require(pair.writable_by(actor))
    reason = _reason(reason, _("Say why these records are the same person."))
    if keep.pk not in (pair.first_id, pair.second_id):
        raise ValidationError(_("Keep one of the two records of this pair."))
    duplicate = pair.second if keep.pk == pair.first_id else pair.first
    kept = case_services.person_merge(actor=actor, keep=keep, duplicate=duplicate, reason=reason)
    _decide(actor=actor, pair=pair, status=PairStatus.MERGED, reason=reason)
    return kept


@transaction.atomic
def suspected_pair_dismiss(*, actor, pair: SuspectedPair, reason: str) -> SuspectedPair:
    """ "Bukan duplikat": the pair is closed for good and each person's history says so."""
    access.require(pair.writable_by(actor))
    reason = _reason(reason, _("Say why these are two different people."))
    pair = _decide(actor=actor, pair=pair, status=PairStatus.NOT_DUPLICATE, reason=reason)
    for person, other in ((pair.first, pair.second), (pair.second, pair.first)):
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=person,
            changes={"not_duplicate_of": [None, other.pk]},
            reason=reason,
            regency_id=person.regency_id,
        )
    return pair
