"""The summary that dashboards and reports read instead of the million raw cases.

Two tables, both derived from the registry and nothing else:

* `CaseStock`: for each month, the cases by regency × district × category × programme × status,
  and whether they are still open against their target (cases.targets decides that, here
  through `open_against_target_q`). The current month's rows are rewritten at every refresh;
  once the month is over they stay as they were at its last refresh: the registry as it stood
  at that month's end. A month is closed by the first refresh of the next month, which takes
  one last snapshot of it for the regencies that changed since.
* `CaseFlow`: for each month, the events dated in it (case found, resolved, relapsed, closed;
  pasung released, shackled again), by regency × district × category × programme. Always
  recomputable from dated records, so rewritten whole for each regency that is refreshed.

How it stays current, without hooks in the write paths: every write to the registry (services,
imports, the demo seed) appends to the audit trail, which names the regency. A refresh
(`refresh`, every few minutes from Celery beat) rebuilds the regencies that have audit events
since its previous run, with an overlap that covers transactions still open when that run
began; a new month, or a regency never built, is rebuilt too. Writes that bypass the audit
trail (a raw SQL fix, a delete in the shell) are caught by the nightly `reconcile`, which
rebuilds everything, counts the rows it had to correct, and records that count.

Rebuilding writes only the differences, one transaction per regency, holding the regency's
`SummaryState` row locked so that two refreshes never interleave on one regency.
"""

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, models, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Case, CaseStatus, CaseTransition, PasungDetail, PasungEvent
from cases.targets import open_against_target_q
from regions.models import Region
from reports.indicators import month_start
from reports.models import CaseFlow, CaseStock, SummaryRun, SummaryState

logger = logging.getLogger("pmks.reports.summary")

# Events that only read: they leave the summary as it is.
READ_ACTIONS = (
    AuditEvent.Action.VIEW,
    AuditEvent.Action.EXPORT,
    AuditEvent.Action.SIGN_IN,
    AuditEvent.Action.SIGN_IN_FAILED,
    AuditEvent.Action.SIGN_OUT,
)
# How far before the previous refresh began to look for writes: a transaction that was open
# then (and so invisible to it) has committed by now, unless it ran longer than this.
OVERLAP = timedelta(minutes=5)
BATCH = 2000

StockKey = tuple[str, str | None, int, str, str, bool]  # regency, district, category, prog, ...
FlowKey = tuple[date, str, str | None, int, str]  # month, regency, district, category, programme
FLOW_FIELDS = ("found", "resolved", "relapsed", "closed", "released", "reshackled")


def current_month() -> date:
    return month_start(timezone.localdate())


def province_regencies() -> list[str]:
    """The regencies and cities of the province, whose summaries are kept."""
    return list(Region.objects.province_regencies().values_list("code", flat=True).order_by("code"))


# ---------------------------------------------------------------------------------------------
# Counting from the registry


def _in(regencies: list[str], field: str = "regency_id") -> Q:
    # One regency: an equality the planner serves from the regency indexes; all of them: none.
    if len(regencies) == 1:
        return Q(**{field: regencies[0]})
    return Q(**{f"{field}__in": regencies})


def count_stock(regencies: list[str]) -> dict[StockKey, int]:
    """The regencies' cases now: (regency, district, category, programme, status, open) → n."""
    fields = ("regency_id", "district_id", "category_id", "programme", "status")
    cases = Case.objects.filter(_in(regencies))
    totals = {
        tuple(row[:5]): row[5]
        for row in cases.values_list(*fields).annotate(n=Count("id")).order_by()
    }
    still_open = {
        tuple(row[:5]): row[5]
        for row in cases.filter(open_against_target_q())
        .values_list(*fields)
        .annotate(n=Count("id"))
        .order_by()
    }
    counts: dict[StockKey, int] = {}
    for key, total in totals.items():
        opened = still_open.get(key, 0)
        if opened:
            counts[(*key, True)] = opened
        if total - opened:
            counts[(*key, False)] = total - opened
    return counts


def count_flows(regencies: list[str]) -> dict[FlowKey, dict[str, int]]:
    """The regencies' dated events, by month: found, resolved, relapsed, closed, released..."""
    flows: dict[FlowKey, Counter] = {}

    def add(rows: Iterable[tuple], names: tuple[str, ...]) -> None:
        for month, region, district, category, programme, *values in rows:
            if month is None:
                continue
            month = month.date() if isinstance(month, datetime) else month
            key = (month, region, district, category, programme)
            counter = flows.setdefault(key, Counter())
            for name, value in zip(names, values, strict=True):
                counter[name] += value

    add(
        Case.objects.filter(_in(regencies))
        .annotate(m=TruncMonth("found_on"))
        .values_list("m", "regency_id", "district_id", "category_id", "programme")
        .annotate(n=Count("id"))
        .order_by(),
        ("found",),
    )
    case = ("case__regency_id", "case__district_id", "case__category_id", "case__programme")
    add(
        CaseTransition.objects.filter(_in(regencies, "case__regency_id"))
        .filter(Q(to_status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED]) | Q(is_relapse=True))
        .annotate(m=TruncMonth("effective_on"))
        .values_list("m", *case)
        .annotate(
            resolved=Count("id", filter=Q(to_status=CaseStatus.RESOLVED)),
            relapsed=Count("id", filter=Q(is_relapse=True)),
            closed=Count("id", filter=Q(to_status=CaseStatus.CLOSED)),
        )
        .order_by(),
        ("resolved", "relapsed", "closed"),
    )
    add(
        PasungDetail.objects.filter(_in(regencies, "case__regency_id"), released_on__isnull=False)
        .annotate(m=TruncMonth("released_on"))
        .values_list("m", *case)
        .annotate(n=Count("id"))
        .order_by(),
        ("released",),
    )
    detail_case = tuple(f"detail__{name}" for name in case)
    add(
        PasungEvent.objects.filter(
            _in(regencies, "detail__case__regency_id"), kind=PasungEvent.Kind.RESHACKLED
        )
        .annotate(m=TruncMonth("date"))
        .values_list("m", *detail_case)
        .annotate(n=Count("id"))
        .order_by(),
        ("reshackled",),
    )
    return {key: dict(counter) for key, counter in flows.items() if any(counter.values())}


# ---------------------------------------------------------------------------------------------
# Writing the differences


def _sync_stock(regency: str, month: date, desired: dict[StockKey, int]) -> int:
    """Makes the month's stock rows of the regency equal `desired`; returns rows changed."""
    existing: dict[StockKey, tuple[int, int]] = {}
    delete: list[int] = []
    rows = CaseStock.objects.filter(month=month, regency_id=regency).values_list(
        "pk",
        "regency_id",
        "district_id",
        "category_id",
        "programme",
        "status",
        "open_against_target",
        "cases",
    )
    for pk, *key, cases in rows:
        key = tuple(key)
        if key in existing:  # a duplicate: never written by this module, removed all the same
            delete.append(pk)
        else:
            existing[key] = (pk, cases)
    update = []
    create = []
    for key, cases in desired.items():
        if key in existing:
            pk, stored = existing.pop(key)
            if stored != cases:
                update.append(CaseStock(pk=pk, cases=cases))
        else:
            region, district, category, programme, status, still_open = key
            create.append(
                CaseStock(
                    month=month,
                    regency_id=region,
                    district_id=district,
                    category_id=category,
                    programme=programme,
                    status=status,
                    open_against_target=still_open,
                    cases=cases,
                )
            )
    delete.extend(pk for pk, _cases in existing.values())
    _write(CaseStock, delete, update, ["cases"], create)
    return len(delete) + len(update) + len(create)


def _sync_flows(regency: str, desired: dict[FlowKey, dict[str, int]]) -> int:
    existing: dict[FlowKey, tuple[int, dict]] = {}
    delete: list[int] = []
    rows = CaseFlow.objects.filter(regency_id=regency).values_list(
        "pk", "month", "regency_id", "district_id", "category_id", "programme", *FLOW_FIELDS
    )
    for pk, month, region, district, category, programme, *values in rows:
        key = (month, region, district, category, programme)
        if key in existing:
            delete.append(pk)
        else:
            existing[key] = (pk, dict(zip(FLOW_FIELDS, values, strict=True)))
    update = []
    create = []
    for key, counts in desired.items():
        values = {name: counts.get(name, 0) for name in FLOW_FIELDS}
        if key in existing:
            pk, stored = existing.pop(key)
            if stored != values:
                update.append(CaseFlow(pk=pk, **values))
        else:
            month, region, district, category, programme = key
            create.append(
                CaseFlow(
                    month=month,
                    regency_id=region,
                    district_id=district,
                    category_id=category,
                    programme=programme,
                    **values,
                )
            )
    delete.extend(pk for pk, _values in existing.values())
    _write(CaseFlow, delete, update, list(FLOW_FIELDS), create)
    return len(delete) + len(update) + len(create)


def _write(model, delete: list[int], update: list, fields: list[str], create: list) -> None:
    for start in range(0, len(delete), BATCH):
        model.objects.filter(pk__in=delete[start : start + BATCH]).delete()
    if update:
        model.objects.bulk_update(update, fields, batch_size=BATCH)
    if create:
        model.objects.bulk_create(create, batch_size=BATCH)


# ---------------------------------------------------------------------------------------------
# Refresh and reconciliation


@dataclass
class RebuildResult:
    regencies: list[str]
    rows_changed: int
    per_regency: dict[str, int]


def rebuild(regencies: list[str], *, closing: dict[str, date] | None = None) -> dict[str, int]:
    """Recounts regencies in one transaction: this month's stock (and, in `closing`, the last
    snapshot of the month that just ended) and all their flows. The registry is read once for
    all of them; each regency's state row stays locked until the commit, so two rebuilds never
    interleave on a regency. Returns, by regency, how many summary rows had to change."""
    if not regencies:
        return {}
    closing = closing or {}
    this_month = current_month()
    started = timezone.now()
    with transaction.atomic():
        states = {}
        for regency in sorted(regencies):  # always in the same order: no deadlock
            states[regency], _created = SummaryState.objects.select_for_update().get_or_create(
                regency_id=regency, defaults={"month": this_month, "refreshed_at": started}
            )
        stock = count_stock(regencies)
        flows = count_flows(regencies)
        changed = {}
        for regency, state in states.items():
            months = sorted({this_month, *([closing[regency]] if regency in closing else [])})
            own_stock = {key: n for key, n in stock.items() if key[0] == regency}
            own_flows = {key: n for key, n in flows.items() if key[1] == regency}
            changed[regency] = sum(_sync_stock(regency, m, own_stock) for m in months)
            changed[regency] += _sync_flows(regency, own_flows)
            state.month = this_month
            state.refreshed_at = started
            state.snapshot_months = sorted(
                set(state.snapshot_months) | {f"{month:%Y-%m}" for month in months}
            )
            state.save(update_fields=["month", "refreshed_at", "snapshot_months"])
    return changed


def dirty_regencies(since: datetime) -> set[str] | None:
    """Regencies with writes to the registry since `since`; None when a write names none."""
    regencies = set(
        AuditEvent.objects.filter(at__gte=since, target_type__startswith="cases.")
        .exclude(action__in=READ_ACTIONS)
        .values_list("regency_id", flat=True)
        .distinct()
        .order_by()
    )
    if None in regencies:
        return None
    return regencies


def miscounted_regencies(month: date) -> set[str]:
    """Regencies whose number of cases differs from the month's stock: a delete (or an insert)
    that left no audit event. Cheap: one count by regency on an index, one sum on the summary."""
    counted = dict(Case.objects.values_list("regency_id").annotate(n=Count("id")).order_by())
    summed = dict(
        CaseStock.objects.filter(month=month)
        .values_list("regency_id")
        .annotate(n=models.Sum("cases"))
        .order_by()
    )
    return {code for code in set(counted) | set(summed) if counted.get(code) != summed.get(code)}


def refresh(*, everything: bool = False) -> RebuildResult:
    """Rebuilds the regencies that changed since the previous refresh (all with everything)."""
    started = timezone.now()
    this_month = current_month()
    regencies = province_regencies()
    states = {state.regency_id: state for state in SummaryState.objects.all()}
    previous = (
        SummaryRun.objects.filter(kind__in=[SummaryRun.Kind.REFRESH, SummaryRun.Kind.RECONCILE])
        .exclude(finished_at=None)
        .order_by("-started_at")
        .first()
    )
    dirty = (
        None if everything or previous is None else dirty_regencies(previous.started_at - OVERLAP)
    )
    if dirty is not None:
        dirty |= miscounted_regencies(this_month)
    chosen = []
    for regency in regencies:
        state = states.get(regency)
        if dirty is None or regency in dirty or state is None or state.month != this_month:
            chosen.append(regency)
    run = SummaryRun.objects.create(
        kind=SummaryRun.Kind.RECONCILE if everything else SummaryRun.Kind.REFRESH,
        started_at=started,
        regencies=chosen,
    )
    if dirty is not None:
        # Nothing was written to the others since the previous run: they are current as well.
        SummaryState.objects.filter(month=this_month).exclude(regency_id__in=chosen).update(
            refreshed_at=started
        )
    # The month that just ended gets its last snapshot where the regency changed since.
    closing = {
        regency: states[regency].month
        for regency in chosen
        if regency in states
        and states[regency].month < this_month
        and (dirty is None or regency in dirty)
    }
    per_regency = rebuild(chosen, closing=closing)
    run.rows_changed = sum(per_regency.values())
    run.finished_at = timezone.now()
    run.save(update_fields=["rows_changed", "finished_at"])
    if chosen:
        logger.info(
            "summary %s regencies=%s rows_changed=%s seconds=%.1f",
            run.kind,
            ",".join(chosen),
            run.rows_changed,
            (run.finished_at - started).total_seconds(),
        )
    return RebuildResult(chosen, run.rows_changed, per_regency)


def catch_up(regencies: list[str] | None = None) -> list[str]:
    """Before a report is built: rebuilds those of the regencies (all: None) written to since
    their own last rebuild, so the report shows a fix made a minute ago. No overlap here: a
    commit that arrives late is the next beat refresh's to catch. Returns the rebuilt ones."""
    this_month = current_month()
    codes = regencies or province_regencies()
    states = {s.regency_id: s for s in SummaryState.objects.filter(regency_id__in=codes)}
    if len(states) < len(codes) or any(s.month != this_month for s in states.values()):
        return refresh().regencies  # a new month or a new regency: the full rules apply
    since = min(s.refreshed_at for s in states.values())
    latest = dict(
        AuditEvent.objects.filter(at__gte=since, target_type__startswith="cases.")
        .exclude(action__in=READ_ACTIONS)
        .values_list("regency_id")
        .annotate(last=models.Max("at"))
        .order_by()
    )
    unnamed = latest.get(None)
    stale = [
        code
        for code in codes
        if (latest.get(code) and latest[code] >= states[code].refreshed_at)
        or (unnamed and unnamed >= states[code].refreshed_at)
    ]
    rebuild(stale)
    return stale


def reconcile() -> RebuildResult:
    """The nightly check: recounts every regency and records how many rows were wrong.

    After a complete refresh the count is zero; anything else means a write bypassed the
    audit trail (and is now corrected).
    """
    result = refresh(everything=True)
    if connection.vendor == "postgresql":
        # Fresh statistics after the night's rewrite keep the dashboards' plans on the indexes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reports_casestock, reports_caseflow")
    now = timezone.now()
    for regency, changed in result.per_regency.items():
        SummaryState.objects.filter(regency_id=regency).update(
            reconciled_at=now, mismatches=changed
        )
    if result.rows_changed:
        logger.warning(
            "summary reconciliation corrected %s rows: %s", result.rows_changed, result.per_regency
        )
    return result


def data_as_of(regency: str | None = None) -> datetime | None:
    """When the summary was last brought up to date: of one regency, or the oldest of all."""
    states = SummaryState.objects.all()
    if regency:
        states = states.filter(regency_id=regency)
    return states.aggregate(oldest=models.Min("refreshed_at"))["oldest"]
