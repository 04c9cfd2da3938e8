"""A district (kecamatan) at a month's end, from the summary: the last step of the dashboards'
drill-down before the list of cases."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, Sum

from cases.targets import OPEN_STATUSES
from regions.models import Region
from reports.figures import CategoryRow
from reports.indicators import month_start
from reports.models import CaseStock, SummaryState
from reports.summary import current_month


@dataclass
class DistrictOverview:
    district: Region
    month: date
    data_as_of: datetime | None
    categories: list[CategoryRow]
    open_by_programme: dict[str, int]


def district_overview(district: Region, month: date | None = None) -> DistrictOverview:
    month = month_start(month or current_month())
    regency_code = district.regency_code
    rows = (
        CaseStock.objects.filter(month=month, regency_id=regency_code, district_id=district.code)
        .values("category__code", "category__name", "category__sort_order", "programme")
        .annotate(
            total=Sum("cases"),
            active=Sum("cases", filter=Q(status__in=OPEN_STATUSES)),
            still_open=Sum("cases", filter=Q(open_against_target=True)),
        )
        .order_by()
    )
    categories: dict[str, CategoryRow] = {}
    by_programme: dict[str, int] = {}
    for row in sorted(rows, key=lambda r: (r["category__sort_order"], r["category__code"])):
        category = categories.setdefault(
            row["category__code"],
            CategoryRow(row["category__code"], row["category__name"], 0, 0, 0),
        )
        category.active += row["active"] or 0
        category.total += row["total"] or 0
        category.open_against_target += row["still_open"] or 0
        if row["programme"]:
            by_programme[row["programme"]] = by_programme.get(row["programme"], 0) + (
                row["still_open"] or 0
            )
    state = SummaryState.objects.filter(regency_id=regency_code).first()
    return DistrictOverview(
        district=district,
        month=month,
        data_as_of=state.refreshed_at if state else None,
        categories=list(categories.values()),
        open_by_programme=by_programme,
    )
