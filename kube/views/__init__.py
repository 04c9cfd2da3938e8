"""Pages of KUBE. Thin: fetch through the access rules, validate with a form, call one service,
then render or redirect. What the pages read is gathered in kube/selectors.py."""

from kube.views.common import manage_reference, read_records, write_records
from kube.views.grants import disbursement_add, grant_add
from kube.views.groups import (
    COMPLETENESS_MONTHS,
    completeness,
    kube_create,
    kube_detail,
    kube_edit,
    kube_export,
    kube_list,
    kube_stage,
    kube_status,
)
from kube.views.members import member_add, member_leave, member_role
from kube.views.monthly_reports import report_add, report_correct, report_detail
from kube.views.partners import partner_edit, partner_link, partner_list, partnership_end
from kube.views.reference import (
    business_type_create,
    business_type_edit,
    business_type_list,
    rules_edit,
)

__all__ = [
    "read_records",
    "write_records",
    "manage_reference",
    "COMPLETENESS_MONTHS",
    "kube_list",
    "kube_export",
    "completeness",
    "kube_create",
    "kube_detail",
    "kube_edit",
    "kube_status",
    "kube_stage",
    "member_add",
    "member_role",
    "member_leave",
    "grant_add",
    "disbursement_add",
    "report_add",
    "report_detail",
    "report_correct",
    "partner_link",
    "partnership_end",
    "partner_list",
    "partner_edit",
    "business_type_list",
    "business_type_create",
    "business_type_edit",
    "rules_edit",
]
