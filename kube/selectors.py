"""What the KUBE pages read, gathered in a fixed number of queries whatever the number of rows.

Each function says how many queries it runs; the page tests pin the totals.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q

from kube import health, services
from kube.models import (
    Kube,
    KubeMember,
    KubeReport,
    KubeRules,
    KubeStatus,
    MemberRole,
    add_months,
    first_of_month,
)


def last_due_month(rules: KubeRules, today: date) -> date:
    """The latest month whose report is due by today (day `report_due_day` of the month after)."""
    month = first_of_month(today)
    return add_months(month, -1) if today.day > rules.report_due_day else add_months(month, -2)


# --- List ------------------------------------------------------------------------------------


@dataclass
class ListRow:
    kube: Kube
    members_now: int
    health: health.Health
    overdue: bool
    late_last_year: int


def list_rows(groups: list[Kube], *, rules: KubeRules, today: date) -> list[ListRow]:
    """The page's groups with members, health and report flags. Two queries: the reports of
    the last 12 months, and the member counts (now, and left in the last 12 months)."""
    if not groups:
        return []
    ids = [kube.pk for kube in groups]
    year_ago = add_months(first_of_month(today), -12)
    reports = defaultdict(list)
    late = defaultdict(int)
    for kube_id, month, revenue, profit, is_late in KubeReport.objects.filter(
        kube_id__in=ids, month__gte=year_ago
    ).values_list("kube_id", "month", "revenue", "profit", "is_late"):
        reports[kube_id].append(health.Monthly(month, revenue, profit))
        late[kube_id] += int(is_late)
    counts = {
        row["kube_id"]: row
        for row in KubeMember.objects.filter(kube_id__in=ids)
        .values("kube_id")
        .annotate(
            now=Count("pk", filter=Q(left_on__isnull=True)),
            left=Count("pk", filter=Q(left_on__gte=today - timedelta(days=365))),
        )
    }
    due = last_due_month(rules, today)
    rows = []
    for kube in groups:
        members = counts.get(kube.pk, {"now": 0, "left": 0})
        assessed = health.assess(
            kube,
            reports[kube.pk],
            rules=rules,
            today=today,
            members_now=members["now"],
            members_left_last_year=members["left"],
        )
        overdue = (
            kube.status == KubeStatus.ACTIVE
            and kube.expects_report_for(due)
            and (kube.last_report_month is None or kube.last_report_month < due)
        )
        rows.append(ListRow(kube, members["now"], assessed, overdue, late[kube.pk]))
    return rows


# --- Group page ------------------------------------------------------------------------------


@dataclass
class MemberRow:
    member: KubeMember
    age: int | None
    warnings: list[str] = field(default_factory=list)


@dataclass
class GroupPage:
    current_members: list[MemberRow]
    former_members: list[KubeMember]
    has_chair: bool
    formation_problems: list[str]
    grants: list
    grant_total: Decimal
    reports: list[KubeReport]
    partnerships: list
    active_partnerships: list
    health: health.Health
    grant_return: health.GrantReturn | None
    missing_months: list[date]


def group_page(kube: Kube, *, rules: KubeRules, today: date) -> GroupPage:
    """Everything the group page shows below the particulars. Six queries: members, fakir
    miskin cases of the members, grants, their stages (prefetch), reports, partnerships."""
    members = list(kube.members.select_related("person").order_by("left_on", "joined_on", "pk"))
    current = [m for m in members if m.left_on is None]
    former = sorted((m for m in members if m.left_on), key=lambda m: m.left_on, reverse=True)
    poor = services.is_registered_fakir_miskin(m.person_id for m in current)
    role_order = {role: index for index, role in enumerate(MemberRole.values)}
    kk_count = defaultdict(int)
    for member in current:
        if member.person.kk_number:
            kk_count[member.person.kk_number] += 1
    rows = []
    for member in sorted(current, key=lambda m: (role_order[m.role], m.person.name)):
        birth = member.person.birth_date
        row = MemberRow(member, services.age_on(birth, today) if birth else None)
        row.warnings = services.eligibility_warnings(
            rules=rules,
            birth_date=birth,
            on=member.joined_on,
            is_fakir_miskin=member.person_id in poor,
        )
        if kk_count[member.person.kk_number] > 1:
            row.warnings.append(str(_same_kk_text()))
        rows.append(row)
    has_chair = any(m.role == MemberRole.KETUA for m in current)

    grants = list(kube.grants.select_related("partner").prefetch_related("disbursements"))
    for grant in grants:
        grant.paid = sum((d.amount for d in grant.disbursements.all()), Decimal(0))
        grant.unpaid = grant.amount - grant.paid
    grant_total = sum((g.amount for g in grants), Decimal(0))
    reports = list(kube.reports.order_by("-month"))
    partnerships = list(kube.partnerships.select_related("partner"))
    active = [p for p in partnerships if p.is_active_on(today)]

    year_ago = add_months(first_of_month(today), -12)
    monthly = [health.Monthly(r.month, r.revenue, r.profit) for r in reports]
    left_last_year = sum(1 for m in former if m.left_on >= today - timedelta(days=365))
    assessed = health.assess(
        kube,
        [m for m in monthly if m.month >= year_ago],
        rules=rules,
        today=today,
        members_now=len(current),
        members_left_last_year=left_last_year,
    )
    return GroupPage(
        current_members=rows,
        former_members=former,
        has_chair=has_chair,
        formation_problems=services.formation_problems(
            member_count=len(current), has_chair=has_chair, rules=rules
        ),
        grants=grants,
        grant_total=grant_total,
        reports=reports,
        partnerships=partnerships,
        active_partnerships=active,
        health=assessed,
        grant_return=health.grant_return([(g.granted_on, g.amount) for g in grants], monthly),
        missing_months=assessed.missed_months,
    )


def _same_kk_text():
    from django.utils.translation import gettext

    return gettext("Shares a family card (KK) with another member.")


# --- Completeness (DHIS2 reporting rates) ----------------------------------------------------


@dataclass
class Cell:
    month: date
    expected: int = 0
    received: int = 0
    late: int = 0

    @property
    def on_time(self) -> int:
        return self.received - self.late

    @property
    def percent(self) -> int | None:
        return round(100 * self.received / self.expected) if self.expected else None


@dataclass
class CompletenessRow:
    code: str
    name: str
    cells: list[Cell]


def _expected_q(month: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}reporting_from__lte": month}) & (
        Q(**{f"{prefix}reporting_until__isnull": True})
        | Q(**{f"{prefix}reporting_until__gte": month})
    )


def completeness(groups, months: list[date]) -> tuple[list[CompletenessRow], list[Cell]]:
    """Expected, received and late reports per regency and month, over the (already scoped)
    `groups`. Two queries: expected counts (one column per month) and received reports."""
    expected_rows = (
        groups.order_by()
        .values("regency_id", "regency__name")
        .annotate(
            **{
                f"m{index}": Count("pk", filter=_expected_q(month))
                for index, month in enumerate(months)
            }
        )
        .order_by("regency__name")
    )
    received = {}
    for row in (
        KubeReport.objects.filter(kube__in=groups.order_by().values("pk"), month__in=months)
        .filter(kube__reporting_from__lte=F("month"))
        .filter(Q(kube__reporting_until__isnull=True) | Q(kube__reporting_until__gte=F("month")))
        .values("kube__regency_id", "month")
        .annotate(received=Count("pk"), late=Count("pk", filter=Q(is_late=True)))
    ):
        received[(row["kube__regency_id"], row["month"])] = (row["received"], row["late"])
    table = []
    totals = [Cell(month) for month in months]
    for row in expected_rows:
        cells = []
        for index, month in enumerate(months):
            got, late = received.get((row["regency_id"], month), (0, 0))
            cell = Cell(month, row[f"m{index}"], got, late)
            cells.append(cell)
            totals[index].expected += cell.expected
            totals[index].received += cell.received
            totals[index].late += cell.late
        table.append(CompletenessRow(row["regency_id"], row["regency__name"], cells))
    return table, totals


def missing_reports(groups, month: date, limit: int = 100) -> list[Kube]:
    """Groups from which the report for `month` is expected and has not come (to chase)."""
    return list(
        groups.expecting_report_for(month)
        .exclude(reports__month=month)
        .select_related("regency", "district")
        .order_by("regency__name", "name")[:limit]
    )
