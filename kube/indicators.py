"""KUBE figures for the reports and dashboard (keep these signatures: reports/ calls them).

Both count in the database (no row is loaded) and take no user: the caller scopes by passing
the regency it may show, or None for the whole province.
"""

from datetime import date

from django.db.models import Count

from kube.models import Kube, KubeReport, KubeStatus, Stage


def stage_counts(regency_code: str | None) -> dict[str, int]:
    """Active groups per stage in force (hand-set or computed): every stage, zeros included."""
    groups = Kube.objects.filter(status=KubeStatus.ACTIVE).in_regency(regency_code)
    counts = dict.fromkeys(Stage.values, 0)
    for row in groups.order_by().values("stage").annotate(n=Count("pk")):
        counts[row["stage"]] = row["n"]
    return counts


def reporting_completeness(regency_code: str | None, year: int, month: int) -> tuple[int, int]:
    """(expected, received) monthly reports for the month, as DHIS2 counts reporting rates.

    Expected: groups whose reporting period covers the month (from the month they started
    reporting until the month before they stopped being active). Received: the reports of
    those groups for that month; a report of a group not expected that month is not counted.
    """
    first = date(year, month, 1)
    expected = Kube.objects.in_regency(regency_code).expecting_report_for(first)
    received = KubeReport.objects.filter(month=first, kube__in=expected.values("pk")).count()
    return expected.count(), received
