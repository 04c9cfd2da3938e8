"""Writes to KUBE groups, members, grants, reports, partners and the stage.

Each service is atomic, checks the actor's right to write through pmks_portal.access, validates
(a clear message, and nothing saved, when input is bad), writes the audit trail and refreshes
the group's stage when what it is scored on changed. Views call exactly one of these.
"""

from kube.services.grants import disbursement_add, grant_add
from kube.services.groups import (
    KUBE_FIELDS,
    STATUS_MOVES,
    kube_create,
    kube_set_status,
    kube_update,
    record_view,
)
from kube.services.members import (
    FAKIR_MISKIN,
    NeedsConfirmation,
    age_on,
    eligibility_warnings,
    formation_problems,
    is_registered_fakir_miskin,
    member_add,
    member_add_new_person,
    member_change_role,
    member_leave,
)
from kube.services.monthly_reports import REPORT_INPUT_FIELDS, report_add, report_correct
from kube.services.partners import PARTNER_FIELDS, partner_link, partner_save, partnership_end
from kube.services.reference import (
    BUSINESS_TYPE_FIELDS,
    RULES_FIELDS,
    business_type_save,
    rules_save,
)
from kube.services.stages import (
    CHUNK,
    STAGE_FIELDS,
    active_partner_count,
    grant_totals,
    recompute_all_stages,
    stage_override_set,
    stage_refresh,
)
from pmks_portal.masking import mask_account

__all__ = [
    "mask_account",
    "KUBE_FIELDS",
    "STATUS_MOVES",
    "kube_create",
    "kube_update",
    "kube_set_status",
    "record_view",
    "FAKIR_MISKIN",
    "NeedsConfirmation",
    "age_on",
    "is_registered_fakir_miskin",
    "eligibility_warnings",
    "member_add",
    "member_add_new_person",
    "member_change_role",
    "member_leave",
    "formation_problems",
    "grant_add",
    "disbursement_add",
    "REPORT_INPUT_FIELDS",
    "report_add",
    "report_correct",
    "active_partner_count",
    "grant_totals",
    "STAGE_FIELDS",
    "stage_refresh",
    "stage_override_set",
    "CHUNK",
    "recompute_all_stages",
    "partner_link",
    "partnership_end",
    "PARTNER_FIELDS",
    "partner_save",
    "RULES_FIELDS",
    "BUSINESS_TYPE_FIELDS",
    "business_type_save",
    "rules_save",
]
