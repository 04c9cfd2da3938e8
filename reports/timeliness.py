"""Timeliness, the way DHIS2 reports it: how soon the cases registered in a month were
registered after they were found. Read from the summary's flows (reports.history keeps, per
month of registration, the delays in days)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from reports.models import CaseFlow


@dataclass(frozen=True)
class Timeliness:
    """How soon the cases registered in a month were registered after they were found (the
    way DHIS2 reports timeliness): how many, the median delay in days, the share within
    TIMELY_DAYS. None where no case was registered."""

    registered: int
    median_days: float | None
    within_week: float | None  # share, 0..1

    @property
    def within_week_percent(self) -> int | None:
        return None if self.within_week is None else round(self.within_week * 100)


TIMELY_DAYS = 7


def _timeliness(delays: Counter) -> Timeliness:
    total = sum(delays.values())
    if not total:
        return Timeliness(0, None, None)
    ordered = sorted(delays.items())
    middle = [(total - 1) // 2, total // 2]  # the two middle positions (equal when odd)
    values, seen = [], 0
    for days, cases in ordered:
        for position in middle:
            if seen <= position < seen + cases:
                values.append(days)
        seen += cases
    within = sum(cases for days, cases in ordered if days <= TIMELY_DAYS)
    return Timeliness(total, sum(values) / 2, within / total)


def timeliness(codes: list[str], month: date) -> dict[str | None, Timeliness]:
    """Per regency, and for all of them (None): the timeliness of the month (one query)."""
    per_regency: dict[str, Counter] = {code: Counter() for code in codes}
    for regency, delays in CaseFlow.objects.filter(
        month=month, regency_id__in=codes, registered__gt=0
    ).values_list("regency_id", "registered_delays"):
        per_regency[regency].update({int(days): n for days, n in delays.items()})
    result = {code: _timeliness(delays) for code, delays in per_regency.items()}
    result[None] = _timeliness(sum(per_regency.values(), Counter()))
    return result
