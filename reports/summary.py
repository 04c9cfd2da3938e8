"""The summary that dashboards and reports read instead of the million raw cases.

Two tables, both derived from the registry and nothing else, by one computation
(reports.history, the replay of each case's recorded history):

* `CaseStock`: for the end of every month since the regency's first case, the cases by
  regency × district × category × programme × status, and whether they were open against their
  target then (cases.targets' rule, applied to the status and restraint of that day). Every
  rebuild replays every month, so a write back-dated into a past month (a late resolution, an
  import of old cases, a late registration) corrects that month, and a month never has to be
  rebuilt from zero at the start of a window.
* `CaseFlow`: for each month, the changes of the same replay (case found, resolved, relapsed,
  closed; pasung released, shackled again; closures off a target), by regency × district ×
  category × programme. Stock and flows of one replay reconcile month by month.

How it stays current, without hooks in the write paths: every write to the registry (services,
imports, the demo seed) appends to the audit trail, which names the regency. A refresh
(`refresh`, every few minutes from Celery beat) rebuilds the regencies that have audit events
since its previous run, with an overlap that covers transactions still open when that run
began; a new month, or a regency never replayed, is rebuilt too (the backfill of a summary
built before the replay: the first refresh, or `manage.py refresh_summary --reconcile`).
Writes that bypass the audit trail (a raw SQL fix, a delete in the shell) are caught by the
nightly `reconcile`, which rebuilds everything, counts the rows it had to correct, and records
that count.

Rebuilding writes only the differences, one transaction per regency, holding the regency's
`SummaryState` row locked so that two refreshes never interleave on one regency.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, models, transaction
from django.db.models import Count
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Case
from regions.models import Region
from reports import history
from reports.indicators import month_start, months_between
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

FLOW_FIELDS = (*history.FLOW_FIELDS, "registered_delays")


def current_month() -> date:
    return month_start(timezone.localdate())


def province_regencies() -> list[str]:
    """The regencies and cities of the province, whose summaries are kept."""
    return list(Region.objects.province_regencies().values_list("code", flat=True).order_by("code"))


# ---------------------------------------------------------------------------------------------
# Writing the differences


def _sync_stock(regency: str, desired: dict[history.StockKey, int]) -> int:
    """Makes every month's stock rows of the regency equal `desired` (keyed (month, district,
    category, programme, status, open)); returns how many rows changed."""
    existing: dict[tuple, tuple[int, int]] = {}
    delete: list[int] = []
    rows = CaseStock.objects.filter(regency_id=regency).values_list(
        "pk",
        "month",
        "district_id",
        "category_id",
        "programme",
        "status",
        "open_against_target",
        "cases",
    )
    for pk, *key, cases in rows.order_by():
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
            month, district, category, programme, status, still_open = key
            create.append(
                CaseStock(
                    month=month,
                    regency_id=regency,
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


def _sync_flows(regency: str, desired: dict[history.FlowKey, dict[str, int]]) -> int:
    existing: dict[tuple, tuple[int, dict]] = {}
    delete: list[int] = []
    rows = CaseFlow.objects.filter(regency_id=regency).values_list(
        "pk", "month", "district_id", "category_id", "programme", *FLOW_FIELDS
    )
    for pk, month, district, category, programme, *values in rows.order_by():
        key = (month, district, category, programme)
        if key in existing:
            delete.append(pk)
        else:
            existing[key] = (pk, dict(zip(FLOW_FIELDS, values, strict=True)))
    update = []
    create = []
    for key, counts in desired.items():
        values = {name: counts.get(name, 0) for name in history.FLOW_FIELDS}
        values["registered_delays"] = counts.get("registered_delays", {})
        if key in existing:
            pk, stored = existing.pop(key)
            if stored != values:
                update.append(CaseFlow(pk=pk, **values))
        else:
            month, district, category, programme = key
            create.append(
                CaseFlow(
                    month=month,
                    regency_id=regency,
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


def rebuild(regencies: list[str]) -> dict[str, int]:
    """Replays the regencies' history (reports.history) and writes every month's stock and
    flows that differ, in one transaction; each regency's state row stays locked until the
    commit, so two rebuilds never interleave on a regency. Returns, by regency, how many
    summary rows had to change."""
    if not regencies:
        return {}
    this_month = current_month()
    started = timezone.now()
    with transaction.atomic():
        states = {}
        for regency in sorted(regencies):  # always in the same order: no deadlock
            states[regency], _created = SummaryState.objects.select_for_update().get_or_create(
                regency_id=regency, defaults={"month": this_month, "refreshed_at": started}
            )
        changed = {}
        for regency, state in states.items():
            replayed = history.compute(history.load(regency), this_month)
            changed[regency] = _sync_stock(regency, replayed.stock)
            changed[regency] += _sync_flows(regency, replayed.flows)
            state.month = this_month
            state.refreshed_at = started
            state.replayed = True
            state.snapshot_months = [
                f"{month:%Y-%m}"
                for month in months_between(replayed.first_month or this_month, this_month)
            ]
            state.save(update_fields=["month", "refreshed_at", "snapshot_months", "replayed"])
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
        if (
            dirty is None
            or regency in dirty
            or state is None
            or state.month != this_month
            or not state.replayed
        ):
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
    per_regency = rebuild(chosen)
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
