"""What dashboards and reports show, read from the summary (never from the raw cases).

`overview(regency_or_None, month)` gathers, for the province or one regency at a month's end:
each target's monthly indicators, status and path; cases by category (and, for a regency, by
district); KUBE and Rakornis figures from their apps. A handful of queries whatever the number
of cases: the summary states, the stock and flow series over the trend window, the month's
breakdown, and the targets (cached until a target changes).
"""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from django.core.cache import cache
from django.db.models import Q, Sum
from django.utils import timezone

from cases.models import CaseStatus, Category, Programme
from cases.targets import OPEN_STATUSES
from pmks_portal import choices_cache
from regions.models import Region
from reports import sources
from reports.indicators import (
    Assessment,
    MonthFigures,
    MonthIndicators,
    Status,
    TargetTerms,
    add_months,
    assess,
    fill_series,
    month_end,
    month_start,
    months_between,
    path_value,
)
from reports.models import CaseFlow, CaseStock, Indicator, SummaryState, Target
from reports.summary import current_month, province_regencies
from reports.timeliness import Timeliness, timeliness

logger = logging.getLogger("pmks.reports.figures")

TREND_MONTHS = 24
IN_HANDLING = (CaseStatus.IN_HANDLING, CaseStatus.REFERRED)
TARGETS_CACHE_KEY = "reports:targets:v1"
TARGETS_CACHE_SECONDS = 3600
OVERVIEW_CACHE_SECONDS = 900


# ---------------------------------------------------------------------------------------------
# Targets, cached


@dataclass(frozen=True)
class TargetInfo:
    pk: int
    code: str
    name: str
    indicator: str
    programme: str
    target_value: int
    deadline: date
    stated_on: date
    basis: str
    milestones: tuple[tuple[int, int], ...]
    baselines: dict[str, tuple[int, date, str]]
    restatements: tuple[dict, ...]

    @property
    def decreasing(self) -> bool:
        return self.indicator == Indicator.OPEN_CASES

    @cached_property
    def terms(self) -> TargetTerms:
        return TargetTerms(
            target_value=self.target_value,
            deadline=self.deadline,
            decreasing=self.decreasing,
            milestones=self.milestones,
        )

    def baseline_for(self, regency: str | None, regencies: list[str]) -> tuple[int, date] | None:
        """The recorded baseline of a regency; for the province, the sum when all have one."""
        if regency is not None:
            found = self.baselines.get(regency)
            return (found[0], found[1]) if found else None
        if not regencies or any(code not in self.baselines for code in regencies):
            return None
        return (
            sum(self.baselines[code][0] for code in regencies),
            max(self.baselines[code][1] for code in regencies),
        )


def active_targets() -> list[TargetInfo]:
    """The active targets with their baselines and milestones (three queries, then cached)."""
    try:
        cached = cache.get(TARGETS_CACHE_KEY)
    except Exception:  # noqa: BLE001 - a cache outage costs queries, never the page
        logger.warning("targets cache unavailable", exc_info=True)
        cached = None
    if cached is not None:
        return cached
    targets = [
        TargetInfo(
            pk=target.pk,
            code=target.code,
            name=target.name,
            indicator=target.indicator,
            programme=target.programme,
            target_value=target.target_value,
            deadline=target.deadline,
            stated_on=target.stated_on,
            basis=target.basis,
            milestones=tuple((m.year, m.progress) for m in target.milestones.all()),
            baselines={b.regency_code: (b.value, b.on, b.source) for b in target.baselines.all()},
            restatements=tuple(
                {
                    "old_deadline": r.old_deadline,
                    "new_deadline": r.new_deadline,
                    "old_target_value": r.old_target_value,
                    "new_target_value": r.new_target_value,
                    "restated_on": r.restated_on,
                    "reason": r.reason,
                }
                for r in target.restatements.all()
            ),
        )
        for target in Target.objects.filter(is_active=True).prefetch_related(
            "milestones", "baselines", "restatements"
        )
    ]
    try:
        cache.set(TARGETS_CACHE_KEY, targets, TARGETS_CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("targets cache unavailable", exc_info=True)
    return targets


def forget_targets() -> None:
    """Called by every change to a target, its baselines or milestones."""
    try:
        cache.delete(TARGETS_CACHE_KEY)
    except Exception:  # noqa: BLE001
        logger.warning("targets cache unavailable", exc_info=True)


# ---------------------------------------------------------------------------------------------
# Series


def _programme_figures(programme: str, flow: dict, stock: dict | None, month: date):
    """The summary's month as the indicators count it. For pasung, 'resolved' is the release
    from restraint and 'relapsed' is being shackled again (DOMAIN.md §3.2)."""
    pasung = programme == Programme.PASUNG
    return MonthFigures(
        month=month,
        found=flow.get("found", 0),
        resolved=flow.get("released" if pasung else "resolved", 0),
        relapsed=flow.get("reshackled" if pasung else "relapsed", 0),
        closed=flow.get("target_closed", 0),
        remaining=None if stock is None else stock["remaining"] or 0,
        in_handling=None if stock is None else stock["in_handling"] or 0,
    )


def programme_series(
    regencies: list[str], months: list[date], counted: dict[str, set[str]] | None = None
) -> dict[tuple[str, str], list[MonthIndicators]]:
    """(regency, programme) → the filled monthly series over `months` (two queries).

    `counted` gives, by regency, the months (YYYY-MM) that have a stock count: there, a
    programme without rows counted zero. A regency replayed from its history has every month
    counted (`replayed_counted`). Elsewhere remaining is not known (estimated, and given no
    status).
    """
    counted = counted or {}
    first, last = months[0], months[-1]
    stock_rows = (
        CaseStock.objects.filter(month__gte=first, month__lte=last, regency_id__in=regencies)
        .exclude(programme="")
        .values("regency_id", "programme", "month")
        .annotate(
            remaining=Sum("cases", filter=Q(open_against_target=True)),
            in_handling=Sum("cases", filter=Q(status__in=IN_HANDLING)),
        )
        .order_by()
    )
    stock = {(r["regency_id"], r["programme"], r["month"]): r for r in stock_rows}
    flow_rows = (
        CaseFlow.objects.filter(month__gte=first, month__lte=last, regency_id__in=regencies)
        .exclude(programme="")
        .values("regency_id", "programme", "month")
        .annotate(
            found=Sum("found"),
            resolved=Sum("resolved"),
            relapsed=Sum("relapsed"),
            closed=Sum("closed"),
            released=Sum("released"),
            reshackled=Sum("reshackled"),
            target_closed=Sum("target_closed"),
        )
        .order_by()
    )
    flows = {(r["regency_id"], r["programme"], r["month"]): r for r in flow_rows}
    zero = {"remaining": 0, "in_handling": 0}
    series = {}
    for regency in regencies:
        snapshots = counted.get(regency, set())
        for programme in Programme.values:
            series[(regency, programme)] = fill_series(
                [
                    _programme_figures(
                        programme,
                        flows.get((regency, programme, month), {}),
                        stock.get(
                            (regency, programme, month),
                            zero if f"{month:%Y-%m}" in snapshots else None,
                        ),
                        month,
                    )
                    for month in months
                ]
            )
    return series


def sum_series(many: list[list[MonthIndicators]]) -> list[MonthIndicators]:
    """The province's series: the regencies' filled series added month by month."""
    if not many:
        return []
    total = []
    for months in zip(*many, strict=True):
        found = handling = resolved = relapsed = closed = remaining = 0
        counted_handling = estimated = False
        for m in months:
            found += m.found
            resolved += m.resolved
            relapsed += m.relapsed
            closed += m.closed
            remaining += m.remaining
            estimated = estimated or m.estimated
            if m.in_handling is not None:
                handling += m.in_handling
                counted_handling = True
        total.append(
            MonthIndicators(
                month=months[0].month,
                found=found,
                in_handling=handling if counted_handling else None,
                resolved=resolved,
                relapsed=relapsed,
                closed=closed,
                remaining=remaining,
                estimated=estimated,
            )
        )
    return total


# ---------------------------------------------------------------------------------------------
# The overview of a regency or the province


@dataclass
class Standing:
    """One regency (or the province) against one target."""

    target: TargetInfo
    regency: str | None
    series: list[MonthIndicators]
    assessment: Assessment
    path: list[float]

    @property
    def status(self) -> Status:
        return self.assessment.status

    @property
    def remaining(self) -> int | None:
        return self.assessment.current

    @property
    def last(self) -> MonthIndicators | None:
        return self.series[-1] if self.series else None

    @property
    def remaining_at_start(self) -> int | None:
        """Remaining at the end of the month before the last: where the month's flows start."""
        return self.series[-2].remaining if len(self.series) > 1 else None


@dataclass
class CategoryRow:
    code: str
    name: str
    active: int
    total: int
    open_against_target: int


@dataclass
class DistrictRow:
    code: str | None
    name: str
    active: int
    open_by_programme: dict[str, int]


@dataclass
class Overview:
    regency: str | None
    regency_name: str
    month: date
    on: date
    months: list[date]
    regencies: list[tuple[str, str]]
    data_as_of: datetime | None
    has_snapshot: bool
    targets: list[TargetInfo]
    standings: dict[tuple[str | None, str], Standing]
    categories: list[CategoryRow]
    districts: list[DistrictRow] = field(default_factory=list)
    timeliness: dict[str | None, Timeliness] = field(default_factory=dict)
    kube: sources.KubeFigures | None = None
    follow_ups: sources.FollowUps | None = None

    def standing(self, regency: str | None, target_code: str) -> Standing | None:
        return self.standings.get((regency, target_code))

    @property
    def own(self) -> list[Standing]:
        """The standings of the page's own scope (the regency, or the province)."""
        return [
            self.standings[(self.regency, t.code)]
            for t in self.targets
            if (self.regency, t.code) in self.standings
        ]

    @property
    def league(self) -> list[tuple[str, str, list[Standing | None]]]:
        """Rows of the league table: (code, name, one standing per case target)."""
        case_targets = [t for t in self.targets if t.indicator == Indicator.OPEN_CASES]
        return [
            (code, name, [self.standings.get((code, t.code)) for t in case_targets])
            for code, name in self.regencies
        ]

    @property
    def timeliness_rows(self) -> list[tuple[str | None, str | None, Timeliness]]:
        """(code, name, timeliness): the regency's own; for the province each regency's, then
        the province's (code and name None)."""
        if self.regency is not None:
            return [(self.regency, self.regency_name, self.timeliness[self.regency])]
        rows = [(code, name, self.timeliness[code]) for code, name in self.regencies]
        return [*rows, (None, None, self.timeliness[None])]

    @property
    def case_targets(self) -> list[TargetInfo]:
        return [t for t in self.targets if t.indicator == Indicator.OPEN_CASES]

    @property
    def active_total(self) -> int:
        return sum(row.active for row in self.categories)


def judged_on(month: date) -> date:
    """The day a month is judged on: today for the current month, its last day otherwise."""
    today = timezone.localdate()
    return today if month_start(today) == month else month_end(month)


def overview(regency: Region | None, month: date | None = None, *, extras: bool = True):
    """Everything a dashboard or report shows for the province (None) or one regency."""
    month = month_start(month or current_month())
    months = months_between(add_months(month, -(TREND_MONTHS - 1)), month)
    states = SummaryState.objects.select_related("regency").order_by("regency_id")
    if regency is not None:
        states = states.filter(regency_id=regency.code)
    states = list(states)
    if regency is not None:
        regencies = [(regency.code, regency.name)]
    elif states:
        regencies = [(s.regency_id, s.regency.name) for s in states]
    else:
        codes = province_regencies()
        names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
        regencies = [(code, names[code]) for code in codes]
    codes = [code for code, _name in regencies]
    data_as_of = min((s.refreshed_at for s in states), default=None)
    on = judged_on(month)
    targets = active_targets()
    # The same summary, targets and day give the same figures: computed once per refresh.
    version = hashlib.sha256(
        repr(
            (
                codes,
                month,
                on,
                [(s.regency_id, s.refreshed_at, s.replayed, s.snapshot_months) for s in states],
                targets,
            )
        ).encode()
    ).hexdigest()
    result = _cache_get(f"reports:overview:{version}")
    if result is None:
        result = _compute(regency, regencies, codes, month, months, on, states, targets)
        result.data_as_of = data_as_of
        _cache_set(f"reports:overview:{version}", result)
    if extras:
        scope = regency.code if regency else None
        result.kube = sources.kube_figures(scope, month.year, month.month)
        result.follow_ups = sources.follow_ups(scope, on)
        _kube_standings(result, scope, on)
    return result


def warm() -> int:
    """Computes this month's figures of the province and of every regency into the cache, so
    that the first view after a refresh is as fast as the next ones (run after each refresh).
    Returns how many overviews were computed."""
    regencies = list(Region.objects.filter(code__in=province_regencies()).order_by("code"))
    for scope in [None, *regencies]:
        overview(scope, extras=False)
    return len(regencies) + 1


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage costs queries, never the page
        logger.warning("overview cache unavailable", exc_info=True)
        return None


def _cache_set(key: str, value) -> None:
    try:
        cache.set(key, value, OVERVIEW_CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("overview cache unavailable", exc_info=True)


def replayed_counted(state: SummaryState, months: list[date]) -> set[str]:
    """The months of `months` whose stock of the regency is known: all of them once its history
    was replayed (before its first record it had no case), else its own snapshots."""
    if state.replayed:
        return {f"{month:%Y-%m}" for month in months}
    return set(state.snapshot_months)


def _compute(regency, regencies, codes, month, months, on, states, targets) -> "Overview":
    counted = {s.regency_id: replayed_counted(s, months) for s in states}
    by_regency = programme_series(codes, months, counted)
    standings: dict[tuple[str | None, str], Standing] = {}
    for target in targets:
        if target.indicator != Indicator.OPEN_CASES:
            continue
        per_regency = []
        for code in codes:
            series = by_regency[(code, target.programme)]
            per_regency.append(series)
            standings[(code, target.code)] = _standing(target, code, codes, series, on)
        if regency is None:
            standings[(None, target.code)] = _standing(
                target, None, codes, sum_series(per_regency), on
            )

    categories, districts, has_snapshot = _breakdown(regency, month)
    return Overview(
        regency=regency.code if regency else None,
        regency_name=regency.name if regency else "",
        month=month,
        on=on,
        months=months,
        regencies=regencies,
        data_as_of=None,
        has_snapshot=has_snapshot,
        targets=targets,
        standings=standings,
        categories=categories,
        districts=districts,
        timeliness=timeliness(codes, month),
    )


def _standing(target, regency, codes, series, on) -> Standing:
    baseline = target.baseline_for(regency, codes)
    assessment = assess(series, target.terms, baseline=baseline, on=on)
    path = []
    if assessment.baseline_date is not None:
        path = [
            path_value(
                target.terms,
                assessment.baseline_value,
                assessment.baseline_date,
                min(month_end(m.month), on),
            )
            for m in series
        ]
    return Standing(target, regency, series, assessment, path)


def _kube_standings(result: Overview, scope: str | None, on: date) -> None:
    """Targets on KUBE groups: judged on today's count alone (the KUBE app keeps no series)."""
    if result.kube is None:
        return
    for target in result.targets:
        if target.indicator != Indicator.KUBE_GROUPS:
            continue
        series = [
            MonthIndicators(result.month, 0, None, 0, 0, 0, result.kube.total, estimated=False)
        ]
        result.standings[(scope, target.code)] = _standing(
            target, scope, [c for c, _n in result.regencies], series, on
        )


def _category_names(ids: set[int]) -> dict[int, dict]:
    """The categories' code, name and order, from the reference lists' cache (forgotten when
    a category changes through cases.reference): no query on most builds of an overview. A
    category the cached list does not know yet (added by a migration or a data load) sends
    the read to the database."""
    rows = choices_cache.cached_choices("report-categories", _load_categories)
    if not ids <= {row[0] for row in rows}:
        rows = _load_categories()
    return {pk: {"code": code, "name": name, "sort_order": order} for pk, code, name, order in rows}


def _load_categories() -> list[tuple]:
    return list(Category.objects.values_list("id", "code", "name", "sort_order"))


def _breakdown(regency: Region | None, month: date):
    """Cases of the month's snapshot by category; for a regency also by district (one query)."""
    rows = CaseStock.objects.filter(month=month)
    if regency is not None:
        rows = rows.filter(regency_id=regency.code)
        group = ["category_id", "district_id", "district__name", "programme"]
    else:
        # The whole province: grouped on the category's id alone (a narrow key over every row
        # of the month), its name looked up after.
        group = ["category_id"]
    rows = list(
        rows.values(*group)
        .annotate(
            total=Sum("cases"),
            active=Sum("cases", filter=Q(status__in=OPEN_STATUSES)),
            still_open=Sum("cases", filter=Q(open_against_target=True)),
        )
        .order_by()
    )
    names = _category_names({row["category_id"] for row in rows})
    for row in rows:
        category = names[row["category_id"]]
        row["category__code"] = category["code"]
        row["category__name"] = category["name"]
        row["category__sort_order"] = category["sort_order"]
    categories: dict[str, CategoryRow] = {}
    districts: dict[str | None, DistrictRow] = {}
    for row in sorted(rows, key=lambda r: (r["category__sort_order"], r["category__code"])):
        category = categories.setdefault(
            row["category__code"],
            CategoryRow(row["category__code"], row["category__name"], 0, 0, 0),
        )
        category.active += row["active"] or 0
        category.total += row["total"] or 0
        category.open_against_target += row["still_open"] or 0
        if regency is not None:
            district = districts.setdefault(
                row["district_id"],
                DistrictRow(row["district_id"], row["district__name"] or "", 0, {}),
            )
            district.active += row["active"] or 0
            if row["programme"]:
                district.open_by_programme[row["programme"]] = district.open_by_programme.get(
                    row["programme"], 0
                ) + (row["still_open"] or 0)
    ordered_districts = sorted(districts.values(), key=lambda d: (d.code is None, d.code or ""))
    return list(categories.values()), ordered_districts, bool(rows)
