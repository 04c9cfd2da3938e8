"""Month-end stock and monthly flows of a regency, replayed from the recorded history.

The one computation behind every figure of the summary (reports.summary writes its result,
dashboards and reports read it). For each case:

* it exists from `found_on` (the day it was found, also when it was registered or imported
  later: a late registration revises the months it belongs to);
* it starts `registered`, and therefore open, on that day; its status then follows its status
  changes in the order they were recorded. A change recorded later but dated earlier than the
  one before it (a back-dated correction) pulls that earlier one back to its own date: the
  status at any day is the one the record reached by then, and the last change leads to the
  case's present status. No date is before `found_on`;
* a pasung case starts restrained; it is released on `released_on` and shackled again on each
  "shackled again" event. The record keeps only the latest release date, so where the replay
  does not end in the present pasung status, the present status holds from the latest day the
  case records anything (status date and changes, pasung dates), no earlier.

From that, at every month's end: the case's status and whether it is open against its target
(cases.targets: street children and prostitution, an open status; pasung, still restrained and
not closed), and in every month, each change of that from one day's end to the next, classified:

    open against target:  found (+), resolved (-), closed (-), relapsed (+)   — or for pasung
                          found (+), released (-), closed (-), shackled again (+)

so that remaining(end) = remaining(start) + found − resolved − closed + relapsed holds by
construction for every regency × programme × month (`target_closed` is the closures that took a
case off its target's count; `closed` counts every closure of an open case).

Plain Python over four narrow queries; no summary table is read here.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from cases.models import Case, CaseStatus, CaseTransition, PasungDetail, PasungEvent, Programme
from cases.targets import OPEN_STATUSES
from pmks_portal.months import add_months, month_index

OPEN = frozenset(OPEN_STATUSES)
FLOW_FIELDS = (
    "found",
    "resolved",
    "relapsed",
    "closed",
    "released",
    "reshackled",
    "target_closed",
    "registered",
)
# Days from found to registered, longer delays counted as this many (a histogram's last bucket).
DELAY_CAP = 366
CaseKey = tuple[str | None, int, str]  # district, category, programme
StockKey = tuple[date, str | None, int, str, str, bool]  # month, *CaseKey, status, open
FlowKey = tuple[date, str | None, int, str]  # month, *CaseKey


@dataclass
class CaseRecord:
    """What the replay needs of one case (plain values)."""

    pk: int
    district: str | None
    category: int
    programme: str
    found_on: date
    registered_on: date
    status: str
    status_changed_on: date
    transitions: list[tuple[int, str, date]] = field(default_factory=list)  # (id, to, on)
    pasung: tuple | None = None  # (status, released_on, admitted, discharged, returned)
    reshackled: list[date] = field(default_factory=list)


@dataclass
class History:
    """A regency's replayed history: stock by month's end, flows by month."""

    first_month: date | None
    stock: dict[StockKey, int]
    flows: dict[FlowKey, dict]  # counts, and "registered_delays": {days: cases}


def load(regency: str) -> list[CaseRecord]:
    """The regency's cases with their status changes and pasung records (four queries)."""
    records = {
        pk: CaseRecord(pk, district, category, programme, found, registered, status, changed)
        for pk, district, category, programme, found, registered, status, changed in (
            Case.objects.filter(regency_id=regency)
            .values_list(
                "pk",
                "district_id",
                "category_id",
                "programme",
                "found_on",
                "registered_on",
                "status",
                "status_changed_on",
            )
            .order_by()
        )
    }
    for case_id, pk, to_status, on in (
        CaseTransition.objects.filter(case__regency_id=regency)
        .values_list("case_id", "pk", "to_status", "effective_on")
        .order_by("case_id", "pk")
    ):
        records[case_id].transitions.append((pk, to_status, on))
    for case_id, *values in PasungDetail.objects.filter(case__regency_id=regency).values_list(
        "case_id",
        "pasung_status",
        "released_on",
        "admitted_on",
        "discharged_on",
        "returned_to_family_on",
    ):
        records[case_id].pasung = tuple(values)
    for case_id, on in PasungEvent.objects.filter(
        detail__case__regency_id=regency, kind=PasungEvent.Kind.RESHACKLED
    ).values_list("detail__case_id", "date"):
        records[case_id].reshackled.append(on)
    return list(records.values())


def status_changes(case: CaseRecord) -> list[tuple[date, str]]:
    """(day, new status) in recorded order, days made monotone and not before `found_on`."""
    changes = [(on, to_status) for _pk, to_status, on in case.transitions]
    if not changes or changes[-1][1] != case.status:
        # A record whose changes do not end in its status (written outside the services).
        last = changes[-1][0] if changes else case.found_on
        changes.append((max(case.status_changed_on, last), case.status))
    days = [on for on, _status in changes]
    for i in range(len(days) - 2, -1, -1):
        days[i] = min(days[i], days[i + 1])
    return [
        (max(day, case.found_on), status) for day, (_on, status) in zip(days, changes, strict=True)
    ]


def restraint_changes(case: CaseRecord) -> list[tuple[date, bool]]:
    """(day, restrained after) for a pasung record, ending in its present pasung status."""
    if case.pasung is None:
        return []
    pasung_status, released_on, *later_dates = case.pasung
    events = [(on, True) for on in case.reshackled]
    if released_on is not None:
        events.append((released_on, False))
    # On the same day a release comes before a re-shackling (the person ends up restrained).
    events.sort(key=lambda event: (event[0], event[1]))
    restrained_now = pasung_status == "restrained"
    final = events[-1][1] if events else True
    if final != restrained_now:
        # The record does not say when: the present status holds from the latest day the case
        # records anything (its status date, changes, pasung dates), no earlier.
        recorded = [
            case.status_changed_on,
            *(on for _pk, _to, on in case.transitions),
            *(day for day in (released_on, *later_dates) if day),
            *case.reshackled,
        ]
        events.append((max(recorded), restrained_now))
    return [(max(day, case.found_on), restrained) for day, restrained in events]


def _open(programme: str, status: str, restrained: bool) -> bool:
    if programme == Programme.PASUNG:
        return restrained and status != CaseStatus.CLOSED
    if programme in (Programme.STREET_CHILDREN, Programme.PROSTITUTION):
        return status in OPEN
    return False


def replay(case: CaseRecord) -> tuple[list[tuple[date, str, bool]], list[tuple[date, str]]]:
    """The case's segments (from day: status, open against target) and its flow events.

    Flows compare the state at the end of one day with the end of the day before: a change
    undone on the same day (a relapse corrected by a resolution dated that day) is no flow."""
    changes = sorted(
        [(day, 0, "r", value) for day, value in restraint_changes(case)]
        + [(day, 1, "s", value) for day, value in status_changes(case)],
        key=lambda change: (change[0], change[1]),
    )
    status, restrained = CaseStatus.REGISTERED, case.pasung is not None
    is_open = _open(case.programme, status, restrained)
    segments = [(case.found_on, status, is_open)]
    events = [(case.found_on, "found")]
    days = sorted({day for day, *_rest in changes})
    position = 0
    for day in days:
        before_status, before_restrained, before_open = status, restrained, is_open
        while position < len(changes) and changes[position][0] == day:
            _day, _order, kind, value = changes[position]
            if kind == "s":
                status = value
            else:
                restrained = value
            position += 1
        is_open = _open(case.programme, status, restrained)
        events.extend((day, name) for name in _flows(before_status, status))
        closed = status == CaseStatus.CLOSED
        if not closed and before_status != CaseStatus.CLOSED:
            if before_restrained and not restrained:
                events.append((day, "released"))
            elif restrained and not before_restrained:
                events.append((day, "reshackled"))
        if before_open and not is_open and closed:
            events.append((day, "target_closed"))
        if (status, is_open) != segments[-1][1:]:
            if segments[-1][0] == day:
                segments[-1] = (day, status, is_open)
            else:
                segments.append((day, status, is_open))
    return segments, events


def _flows(before: str, status: str) -> list[str]:
    """The case's own status flows between two days' ends (whatever its programme)."""
    if before in OPEN and status == CaseStatus.RESOLVED:
        return ["resolved"]
    if before == CaseStatus.RESOLVED and status in OPEN:
        return ["relapsed"]
    if before in OPEN and status == CaseStatus.CLOSED:
        return ["closed"]
    return []


def compute(cases: Iterable[CaseRecord], last_month: date) -> History:
    """Stock at the end of every month from the first case's to `last_month`, and flows."""
    deltas: dict[tuple, Counter] = defaultdict(Counter)  # (key, status, open) → month → ±n
    flows: dict[tuple, Counter] = defaultdict(Counter)
    delays: dict[tuple, Counter] = defaultdict(Counter)
    first = None
    end = month_index(last_month)
    for case in cases:
        key: CaseKey = (case.district, case.category, case.programme)
        segments, events = replay(case)
        for day, name in events:
            if month_index(day) <= end:
                flows[(day.replace(day=1), *key)][name] += 1
        if month_index(case.registered_on) <= end:
            # Timeliness: counted in the month of registration, by days since found.
            month = (case.registered_on.replace(day=1), *key)
            flows[month]["registered"] += 1
            delay = min(max((case.registered_on - case.found_on).days, 0), DELAY_CAP)
            delays[month][str(delay)] += 1
        for i, (day, status, is_open) in enumerate(segments):
            until = segments[i + 1][0] if i + 1 < len(segments) else None
            start = month_index(day)
            stop = month_index(until) if until else end + 1
            if start < stop and start <= end:
                deltas[(*key, status, is_open)][start] += 1
                deltas[(*key, status, is_open)][stop] -= 1
        first = min(first or case.found_on, case.found_on)
    stock = {}
    if first is not None:
        origin = month_index(first)
        months = [add_months(first.replace(day=1), n) for n in range(end - origin + 1)]
        for stock_key, changes in deltas.items():
            running = 0
            for offset, month in enumerate(months):
                running += changes.get(origin + offset, 0)
                if running:
                    stock[(month, *stock_key)] = running
    return History(
        first_month=first.replace(day=1) if first else None,
        stock=stock,
        flows={
            key: {**counts, "registered_delays": dict(sorted(delays[key].items()))}
            for key, counts in flows.items()
        },
    )
