"""Direct counts over the registry, written independently of reports.summary, to check it."""

from collections import Counter

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from cases.models import Case, CaseStatus, CaseTransition, PasungDetail, PasungEvent, Programme
from reports.models import CaseFlow, CaseStock
from reports.summary import current_month


def direct_stock() -> Counter:
    """(regency, district, category, programme, status) → cases, straight from the registry."""
    rows = Case.objects.values_list(
        "regency_id", "district_id", "category_id", "programme", "status"
    ).annotate(n=Count("id"))
    return Counter({tuple(row[:5]): row[5] for row in rows})


def summary_stock(month=None) -> Counter:
    rows = (
        CaseStock.objects.filter(month=month or current_month())
        .values_list("regency_id", "district_id", "category_id", "programme", "status")
        .annotate(n=Sum("cases"))
    )
    return Counter({tuple(row[:5]): row[5] for row in rows if row[5]})


def direct_open(regency: str, programme: str) -> int:
    return Case.objects.filter(regency_id=regency).open_against_target(programme).count()


def summary_open(regency: str, programme: str, month=None) -> int:
    return (
        CaseStock.objects.filter(
            month=month or current_month(),
            regency_id=regency,
            programme=programme,
            open_against_target=True,
        ).aggregate(n=Sum("cases"))["n"]
        or 0
    )


def _by_month(queryset, date_field: str, regency_field: str) -> Counter:
    rows = (
        queryset.annotate(m=TruncMonth(date_field))
        .values_list(regency_field, "m")
        .annotate(n=Count("id"))
    )
    return Counter({(regency, month): n for regency, month, n in rows})


def direct_flows() -> dict[str, Counter]:
    transitions = CaseTransition.objects.all()
    return {
        "found": _by_month(Case.objects.all(), "found_on", "regency_id"),
        "resolved": _by_month(
            transitions.filter(to_status=CaseStatus.RESOLVED), "effective_on", "case__regency_id"
        ),
        "relapsed": _by_month(
            transitions.filter(is_relapse=True), "effective_on", "case__regency_id"
        ),
        "closed": _by_month(
            transitions.filter(to_status=CaseStatus.CLOSED), "effective_on", "case__regency_id"
        ),
        "released": _by_month(
            PasungDetail.objects.exclude(released_on=None), "released_on", "case__regency_id"
        ),
        "reshackled": _by_month(
            PasungEvent.objects.filter(kind=PasungEvent.Kind.RESHACKLED),
            "date",
            "detail__case__regency_id",
        ),
    }


def summary_flows() -> dict[str, Counter]:
    result = {}
    for name in ("found", "resolved", "relapsed", "closed", "released", "reshackled"):
        rows = CaseFlow.objects.values_list("regency_id", "month").annotate(n=Sum(name))
        result[name] = Counter({(r, m): n for r, m, n in rows if n})
    return result


def assert_summary_matches_registry(*, flows: bool = True) -> None:
    """The summary of this month equals a direct count, for every regency and programme (and
    its flows the dated records, where every status change was recorded)."""
    assert summary_stock() == direct_stock()
    regencies = set(Case.objects.values_list("regency_id", flat=True)) | set(
        CaseStock.objects.values_list("regency_id", flat=True)
    )
    for regency in regencies:
        for programme in Programme.values:
            assert summary_open(regency, programme) == direct_open(regency, programme), (
                regency,
                programme,
            )
    if flows:
        direct = {k: +v for k, v in direct_flows().items()}
        assert summary_flows() == direct
