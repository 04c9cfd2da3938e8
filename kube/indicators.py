"""KUBE figures for the reports and dashboard (keep these signatures: reports/ calls them).

All count in the database (no row is loaded) and take no user: the caller scopes by passing
the regency it may show, or None for the whole province.
"""

from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from kube.models import Kube, KubeReport, KubeStatus, Stage


def dashboard_counts(
    regency_code: str | None, year: int, month: int
) -> tuple[dict[str, int], int, int]:
    """(stage counts, expected, received): the two below in one query, as the dashboards
    read them (their query budget, PERFORMANCE.md G3)."""
    first = date(year, month, 1)
    expected = Q(pk__in=Kube.objects.expecting_report_for(first).values("pk"))
    received = expected & Q(pk__in=KubeReport.objects.filter(month=first).values("kube_id"))
    active = Q(status=KubeStatus.ACTIVE)
    counts = Kube.objects.in_regency(regency_code).aggregate(
        expected=Count("pk", filter=expected),
        received=Count("pk", filter=received),  # one report per group and month
        **{f"stage_{stage}": Count("pk", filter=active & Q(stage=stage)) for stage in Stage.values},
    )
    stages = {stage: counts[f"stage_{stage}"] for stage in Stage.values}
    return stages, counts["expected"], counts["received"]


def stage_counts(regency_code: str | None) -> dict[str, int]:
    """Active groups per stage in force (hand-set or computed): every stage, zeros included."""
    today = timezone.localdate()
    return dashboard_counts(regency_code, today.year, today.month)[0]


def reporting_completeness(regency_code: str | None, year: int, month: int) -> tuple[int, int]:
    """(expected, received) monthly reports for the month, as DHIS2 counts reporting rates.

    Expected: groups whose reporting period covers the month (from the month they started
    reporting until the month before they stopped being active). Received: the reports of
    those groups for that month; a report of a group not expected that month is not counted.
    """
    _stages, expected, received = dashboard_counts(regency_code, year, month)
    return expected, received
