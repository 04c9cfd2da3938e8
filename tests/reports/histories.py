"""Histories of cases written through the services, and a recount of them that shares no code
with reports.history or reports.summary: the independent check of every monthly figure.

The recount's rules, stated once (DOMAIN.md §3, cases/targets.py):
* a case counts from the day it was found;
* its status on a day is the one set by the latest recorded status change dated on or before
  that day (registered before any);
* a pasung record is restrained unless the latest of its release date and its re-shackling
  dates on or before the day is the release (a re-shackling on the release day wins); where
  that, applied today, disagrees with the record's pasung status, the pasung status holds from
  the latest date the case records (status date, status changes, pasung dates) on;
* open against the target: street children and prostitution, an open status; pasung,
  restrained and not closed.
Flows are the changes of "open against the target" from one day to the next, a case being open
the day before it was found: a change to not open is a closure when the case is closed that
day, else a resolution (for pasung, a release); a change to open is a relapse.
"""

import random
from collections import Counter
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from cases import importing, services
from cases.models import (
    Case,
    CaseStatus,
    CaseTransition,
    Category,
    PasungDetail,
    PasungEvent,
    PasungStatus,
    Programme,
)
from regions.models import Region

S = CaseStatus
OPEN = {S.REGISTERED, S.VERIFIED, S.IN_HANDLING, S.REFERRED}
CATEGORY = {Programme.STREET_CHILDREN: "AJ", Programme.PROSTITUTION: "TS", Programme.PASUNG: "PD"}


def open_case(staff, *, name: str, found_on: date, programme=Programme.STREET_CHILDREN):
    """A person and a case found on `found_on`, in the staff's regency, through the services."""
    village = (
        Region.objects.filter(level="village", code__startswith=f"{staff.regency.code}.")
        .order_by("code")
        .first()
    )
    pasung = programme == Programme.PASUNG
    person = services.person_create(
        actor=staff,
        regency=staff.regency,
        confirmed=True,
        data={
            "name": name,
            "sex": "P" if programme == Programme.PROSTITUTION else "L",
            "birth_date": date(2012, 5, 17)
            if programme == Programme.STREET_CHILDREN
            else date(1985, 1, 1),
            "village": village,
        },
    )
    return services.case_create(
        actor=staff,
        person=person,
        regency=staff.regency,
        is_pasung=pasung,
        data={
            "category": Category.objects.get(code=CATEGORY[programme]),
            "district": village.parent,
            "village": village,
            "found_on": found_on,
            "source": "outreach",
        },
    )


def move(case, staff, status, on: date, **extra):
    return services.case_transition(
        actor=staff, case=case, to_status=status, effective_on=on, reason="langkah", **extra
    )


def release(case, staff, on: date):
    services.case_detail_save(
        actor=staff,
        case=case,
        detail=PasungDetail.objects.get(case=case),
        data={"pasung_status": PasungStatus.RELEASED, "released_on": on},
    )


def reshackle(case, staff, on: date):
    services.pasung_event_add(
        actor=staff, case=case, data={"kind": PasungEvent.Kind.RESHACKLED, "date": on}
    )


def import_old_cases(staff, rows: list[str]):
    """Old cases through the import (CSV), as a regency sends its backlog."""
    content = "nama,jenis_kelamin,kategori,kode_wilayah,tanggal_ditemukan,status,alasan_ditutup,"
    content += "pasung\n" + "\n".join(rows) + "\n"
    upload = SimpleUploadedFile("lama.csv", content.encode(), content_type="text/csv")
    batch = importing.import_batch_create(
        actor=staff, regency=staff.regency, upload=upload, queue=False
    )
    batch = importing.import_batch_check(batch.pk)
    assert batch.valid_rows == len(rows), batch.summary
    importing.import_batch_commit_request(
        actor=staff, batch=batch, warnings_confirmed=True, queue=False
    )
    batch = importing.import_batch_commit(batch.pk)
    assert batch.status == batch.Status.COMMITTED, batch.failure


# ---------------------------------------------------------------------------------------------
# A random history


def random_history(staffs, *, first: date, last: date, cases_per_regency: int, seed: int):
    """Cases found over [first, last] in each staff's regency, walked at random along the
    workflow with distinct dates: verified, referred, in handling, resolved, relapsed, closed,
    pasung releases and re-shacklings, some resolutions back-dated before the step recorded
    just before them. Returns the cases created."""
    rnd = random.Random(seed)
    span = (last - first).days
    created = []
    for staff in staffs:
        for n in range(cases_per_regency):
            programme = rnd.choice(
                [Programme.STREET_CHILDREN] * 3 + [Programme.PASUNG, Programme.PROSTITUTION]
            )
            found = first + timedelta(days=rnd.randrange(span))
            case = open_case(
                staff, name=f"Orang {staff.regency.code} {n}", found_on=found, programme=programme
            )
            created.append(case)
            day = found
            steps = rnd.randrange(0, 7)
            previous_step = None
            for _ in range(steps):
                day += timedelta(days=rnd.randrange(3, 90))
                if day > last:
                    break
                case.refresh_from_db()
                if programme == Programme.PASUNG and rnd.random() < 0.4:
                    restrained = PasungDetail.objects.get(case=case).pasung_status == "restrained"
                    if case.status == S.CLOSED:
                        break
                    (release if restrained else reshackle)(case, staff, day)
                    continue
                choices = {
                    S.REGISTERED: [S.VERIFIED, S.VERIFIED, S.REFERRED, S.CLOSED],
                    S.VERIFIED: [S.IN_HANDLING, S.IN_HANDLING, S.REFERRED, S.CLOSED],
                    S.IN_HANDLING: [S.RESOLVED, S.RESOLVED, S.REFERRED, S.CLOSED],
                    S.REFERRED: [S.IN_HANDLING, S.RESOLVED, S.CLOSED],
                    S.RESOLVED: [S.IN_HANDLING],
                    S.CLOSED: [],
                }[case.status]
                if not choices:
                    break
                to = rnd.choice(choices)
                on = day
                if (
                    to == S.RESOLVED
                    and programme != Programme.PASUNG
                    and previous_step is not None
                    and previous_step[1] in OPEN
                    and previous_step[0] > found + timedelta(days=1)
                    and rnd.random() < 0.3
                ):
                    # A back-dated resolution: dated before the step recorded just before it.
                    on = previous_step[0] - timedelta(days=1)
                case = move(case, staff, to, on, close_reason="moved" if to == S.CLOSED else "")
                previous_step = (day, to)
    return created


# ---------------------------------------------------------------------------------------------
# The independent recount


def _status_on(found_on, transitions, day):
    """transitions: (id, to_status, effective_on) of one case."""
    if day < found_on:
        return None
    dated = [(pk, to) for pk, to, on in transitions if on <= day]
    return max(dated)[1] if dated else S.REGISTERED


def _restrained_on(pasung, reshackles, day):
    if pasung is None:
        return False
    status, released_on, latest = pasung
    if day >= latest and (status == "restrained") != _from_events(released_on, reshackles, day):
        return status == "restrained"
    return _from_events(released_on, reshackles, day)


def _from_events(released_on, reshackles, day):
    dates = [(on, 1) for on in reshackles if on <= day]
    if released_on and released_on <= day:
        dates.append((released_on, 0))
    return not dates or max(dates)[1] == 1


def _is_open(programme, status, restrained):
    if programme == Programme.PASUNG:
        return restrained and status != S.CLOSED
    if programme in (Programme.STREET_CHILDREN, Programme.PROSTITUTION):
        return status in OPEN
    return False


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def recount(months: list[date]) -> dict[tuple[str, str, date], dict[str, int]]:
    """(regency, programme, month) → found, resolved, closed, relapsed, remaining, in_handling."""
    transitions: dict[int, list] = {}
    for case_id, pk, to, on in CaseTransition.objects.values_list(
        "case_id", "pk", "to_status", "effective_on"
    ):
        transitions.setdefault(case_id, []).append((pk, to, on))
    reshackles: dict[int, list] = {}
    for case_id, on in PasungEvent.objects.filter(kind="reshackled").values_list(
        "detail__case_id", "date"
    ):
        reshackles.setdefault(case_id, []).append(on)
    changed_on = dict(Case.objects.values_list("pk", "status_changed_on"))
    pasung = {}
    for case_id, status, *dates in PasungDetail.objects.values_list(
        "case_id",
        "pasung_status",
        "released_on",
        "admitted_on",
        "discharged_on",
        "returned_to_family_on",
    ):
        latest = max(
            [
                changed_on[case_id],
                *(on for _pk, _to, on in transitions.get(case_id, [])),
                *(day for day in dates if day),
                *reshackles.get(case_id, []),
            ]
        )
        pasung[case_id] = (status, dates[0], latest)
    result: dict = {}
    for pk, regency, programme, found_on in Case.objects.values_list(
        "pk", "regency_id", "programme", "found_on"
    ):
        if not programme:
            continue
        own = transitions.get(pk, [])
        shackled = reshackles.get(pk, [])
        detail = pasung.get(pk)

        def state(day, own=own, found_on=found_on, detail=detail, shackled=shackled, p=programme):
            status = _status_on(found_on, own, day)
            return status, _is_open(p, status, _restrained_on(detail, shackled, day))

        days = sorted(
            {found_on, *(on for _pk, _to, on in own), *shackled}
            | ({detail[1], detail[2]} - {None} if detail else set())
        )
        before_open = True  # open the day before it was found (it is found open)
        for day in days:
            status, is_open = state(day)
            month = day.replace(day=1)
            counts = result.setdefault((regency, programme, month), Counter())
            if day == found_on:
                counts["found"] += 1
            if before_open and not is_open:
                counts["closed" if status == S.CLOSED else "resolved"] += 1
            elif is_open and not before_open:
                counts["relapsed"] += 1
            before_open = is_open
        for month in months:
            status, is_open = (
                state(_month_end(month))
                if found_on <= _month_end(month)
                else (
                    None,
                    False,
                )
            )
            counts = result.setdefault((regency, programme, month), Counter())
            counts["remaining"] += int(is_open)
            counts["in_handling"] += int(status == S.IN_HANDLING)
            counts["referred"] += int(status == S.REFERRED)
    return {key: dict(value) for key, value in result.items()}
