"""CSV and XLSX exports of exactly the groups a list shows (or their monthly reports), within
the user's scope. Bank accounts stay masked unless the user may see full identity numbers.

Written by pmks_portal/spreadsheets.py, which keeps a group name from becoming a formula.
"""

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from kube.models import KubeGrant, KubeMember, KubeReport
from pmks_portal import spreadsheets
from pmks_portal.masking import mask_account

CHUNK = 2000


def _money(value) -> str:
    return "" if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def with_totals(groups):
    """One query for the whole export: member counts and grant totals as subqueries."""
    members = (
        KubeMember.objects.filter(kube=OuterRef("pk"), left_on__isnull=True)
        .order_by()
        .values("kube")
        .annotate(n=Count("pk"))
        .values("n")
    )
    grants = (
        KubeGrant.objects.filter(kube=OuterRef("pk"))
        .order_by()
        .values("kube")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=17, decimal_places=2)
    return groups.select_related(
        "regency", "district", "village", "business_type", "pendamping_user"
    ).annotate(
        export_members=Coalesce(Subquery(members), Value(0)),
        export_granted=Coalesce(Subquery(grants, output_field=money), Value(0), output_field=money),
    )


def group_columns() -> list[str]:
    return [
        _("Registration number"),
        _("Group name"),
        _("Regency/city"),
        _("District"),
        _("Village"),
        _("Business type"),
        _("Business"),
        _("Year formed"),
        _("Decree (SK) number"),
        _("Decree (SK) date"),
        _("Status"),
        _("Status since"),
        _("Stage"),
        _("Computed stage"),
        _("Score"),
        _("Stage set by hand"),
        _("Members"),
        _("Grants (Rp)"),
        _("Latest report"),
        _("Bank"),
        _("Account number"),
        _("Companion"),
    ]


def group_rows(groups, *, full_ids: bool) -> Iterator[list]:
    for kube in with_totals(groups).iterator(chunk_size=CHUNK):
        account = kube.bank_account_number
        yield [
            kube.registration_number,
            kube.name,
            kube.regency.name,
            kube.district.name if kube.district else "",
            kube.village.name if kube.village else "",
            kube.business_type.name,
            kube.business_description,
            kube.year_formed,
            kube.sk_number,
            kube.sk_date.isoformat() if kube.sk_date else "",
            kube.get_status_display(),
            kube.status_since.isoformat(),
            kube.get_stage_display(),
            kube.get_computed_stage_display(),
            kube.stage_score,
            _("yes") if kube.stage_override else "",
            kube.export_members,
            _money(kube.export_granted),
            kube.last_report_month.strftime("%Y-%m") if kube.last_report_month else "",
            kube.bank_name,
            account if full_ids else mask_account(account),
            kube.pendamping,
        ]


def report_columns() -> list[str]:
    return [
        _("Registration number"),
        _("Group name"),
        _("Regency/city"),
        _("Month"),
        _("Revenue (omzet)"),
        _("Costs"),
        _("Profit"),
        _("Capital and assets"),
        _("IKS collected"),
        _("IKS used"),
        _("Meetings held"),
        _("Books kept"),
        _("Received on"),
        _("Late"),
        _("Corrections"),
    ]


def report_rows(groups, **_kwargs) -> Iterator[list]:
    reports = (
        KubeReport.objects.filter(kube__in=groups.order_by().values("pk"))
        .select_related("kube", "kube__regency")
        .order_by("kube__regency__name", "kube__name", "kube_id", "month")
    )
    for report in reports.iterator(chunk_size=CHUNK):
        yield [
            report.kube.registration_number,
            report.kube.name,
            report.kube.regency.name,
            report.month.strftime("%Y-%m"),
            _money(report.revenue),
            _money(report.costs),
            _money(report.profit),
            _money(report.capital),
            _money(report.iks_collected),
            _money(report.iks_used),
            report.meetings_held,
            _("yes") if report.bookkeeping_kept else _("no"),
            report.received_on.isoformat(),
            _("yes") if report.is_late else "",
            report.version - 1,
        ]


def _filename(kind: str, extension: str) -> str:
    return f"kube-{kind}-{timezone.localdate().isoformat()}.{extension}"


KINDS = {
    "groups": (group_columns, group_rows),
    "reports": (report_columns, report_rows),
}


def csv_response(groups, *, kind: str, full_ids: bool):
    columns, rows = KINDS[kind]
    return spreadsheets.csv_response(
        _filename(kind, "csv"), columns(), rows(groups, full_ids=full_ids)
    )


def xlsx_response(groups, *, kind: str, full_ids: bool):
    columns, rows = KINDS[kind]
    title = _("KUBE") if kind == "groups" else _("Monthly reports")
    return spreadsheets.table_response(
        _filename(kind, "xlsx"), title, columns(), rows(groups, full_ids=full_ids)
    )


def export_count(groups, kind: str) -> int:
    if kind == "reports":
        return KubeReport.objects.filter(kube__in=groups.order_by().values("pk")).count()
    return groups.order_by().count()
