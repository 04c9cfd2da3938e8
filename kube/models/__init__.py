"""KUBE (Kelompok Usaha Bersama): business groups of poor households, their members, grants,
monthly business reports, partners and stage (DOMAIN.md §2).

Money is a Decimal in Rupiah (two decimal places, as the ledgers write it). Months are stored as
the first day of the month. Who may see and change what is decided in pmks_portal/access.py:
a group belongs to its regency, exactly like a case.
"""

from kube.models.choices import (
    GrantSource,
    KubeStatus,
    MemberRole,
    PartnerType,
    Stage,
    StageChangeSource,
    SupportKind,
)
from kube.models.common import MONEY, ZERO, add_months, first_of_month
from kube.models.grants import GrantDisbursement, KubeGrant
from kube.models.groups import Kube, KubeStageChange, KubeStatusChange
from kube.models.members import KubeMember
from kube.models.monthly_reports import (
    REPORT_FIELDS,
    REPORT_MONEY_FIELDS,
    KubeReport,
    KubeReportRevision,
)
from kube.models.partners import KubePartnership, Partner
from kube.models.reference import BusinessType, KubeRules

__all__ = [
    "MONEY",
    "ZERO",
    "first_of_month",
    "add_months",
    "Stage",
    "KubeStatus",
    "MemberRole",
    "GrantSource",
    "PartnerType",
    "SupportKind",
    "StageChangeSource",
    "BusinessType",
    "KubeRules",
    "Kube",
    "KubeStatusChange",
    "KubeStageChange",
    "KubeMember",
    "Partner",
    "KubePartnership",
    "KubeGrant",
    "GrantDisbursement",
    "REPORT_MONEY_FIELDS",
    "REPORT_FIELDS",
    "KubeReport",
    "KubeReportRevision",
]
