"""Referrals to other agencies: what was shared with whom, when and why (UU 27/2022 art. 31)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.models import AuditEvent
from audit.services import audit_record
from cases.models import Case
from pmks_portal import access
from privacy.models import Referral


@transaction.atomic
def referral_record(*, actor, case: Case, data: dict) -> Referral:
    if not access.can_write_record(actor, case.regency_id):
        raise PermissionDenied
    referral = Referral(case=case, by=actor, **data)
    referral.full_clean()
    referral.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=case,
        changes={"referral": [None, f"{referral.agency}: {referral.shared}"]},
        regency_id=case.regency_id,
    )
    return referral
