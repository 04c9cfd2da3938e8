"""The summary equals a direct count of the registry after every kind of write: creates, edits,
transitions, pasung events, bulk imports and deletes, and the refresh recounts only what changed.
"""

from datetime import date, timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from cases import services
from cases.models import Case, CaseStatus, Category, PasungEvent, PasungStatus, Programme
from reports import summary
from reports.indicators import add_months
from reports.models import CaseFlow, CaseStock, SummaryRun, SummaryState
from tests.reports.conftest import register
from tests.reports.helpers import (
    assert_summary_matches_registry,
    direct_open,
    summary_open,
)
from tests.reports.histories import import_old_cases

pytestmark = pytest.mark.django_db

S = CaseStatus
SAMARINDA, BALIKPAPAN = "64.72", "64.71"


def walk(case, staff, *statuses, on=date(2026, 11, 2), **extra):
    for status in statuses:
        case = services.case_transition(
            actor=staff, case=case, to_status=status, effective_on=on, reason="langkah", **extra
        )
    return case


@pytest.fixture
def no_overlap(monkeypatch):
    """Writes made just before a refresh are looked at again by the next one (the overlap that
    covers transactions still open); these tests write everything within a second."""
    monkeypatch.setattr(summary, "OVERLAP", timedelta(0))


@pytest.fixture
def street_children(samarinda_staff, balikpapan_staff):
    return [
        register(samarinda_staff, name="Rudi Hartono"),
        register(samarinda_staff, name="Bayu Saputra"),
        register(balikpapan_staff, name="Dewi Lestari", sex="P"),
    ]


def test_the_first_refresh_counts_every_regency(street_children):
    result = summary.refresh()

    assert len(result.regencies) == 10
    assert_summary_matches_registry()
    assert summary_open(SAMARINDA, Programme.STREET_CHILDREN) == 2
    assert summary_open(BALIKPAPAN, Programme.STREET_CHILDREN) == 1
    assert SummaryState.objects.count() == 10
    assert summary.data_as_of(SAMARINDA) is not None


def test_a_refresh_recounts_only_the_regencies_written_to(
    no_overlap, street_children, samarinda_staff
):
    summary.refresh()
    register(samarinda_staff, name="Agus Pratama")

    result = summary.refresh()

    assert result.regencies == [SAMARINDA]
    assert summary_open(SAMARINDA, Programme.STREET_CHILDREN) == 3
    assert_summary_matches_registry()
    assert summary.refresh().regencies == []


def test_reading_a_case_does_not_make_its_regency_dirty(
    no_overlap, street_children, samarinda_staff
):
    summary.refresh()
    services.record_view(actor=samarinda_staff, obj=street_children[0], regency_id=SAMARINDA)
    assert summary.refresh().regencies == []


def test_transitions_move_cases_out_and_back_in(street_children, samarinda_staff):
    summary.refresh()
    rudi = walk(street_children[0], samarinda_staff, S.VERIFIED, S.IN_HANDLING, S.RESOLVED)
    summary.refresh()
    assert summary_open(SAMARINDA, Programme.STREET_CHILDREN) == 1
    assert_summary_matches_registry()

    walk(rudi, samarinda_staff, S.IN_HANDLING, on=date(2026, 11, 10))  # back on the street
    walk(street_children[1], samarinda_staff, S.CLOSED, close_reason="moved")
    summary.refresh()

    assert summary_open(SAMARINDA, Programme.STREET_CHILDREN) == 1
    assert_summary_matches_registry()
    november = CaseStock.objects.filter(
        regency_id=SAMARINDA, status=S.IN_HANDLING, month=summary.current_month()
    )
    assert sum(row.cases for row in november) == 1


def test_an_edit_that_changes_the_category_moves_the_case_between_programmes(
    street_children, samarinda_staff
):
    summary.refresh()
    case = street_children[0]
    services.case_update(
        actor=samarinda_staff,
        case=case,
        expected_version=case.version,
        data={"category": Category.objects.get(code="AT")},
    )
    summary.refresh()

    assert summary_open(SAMARINDA, Programme.STREET_CHILDREN) == 1
    assert_summary_matches_registry()


def test_pasung_release_and_reshackling(samarinda_staff):
    case = register(
        samarinda_staff, name="Slamet", category="PD", is_pasung=True, birth_date=date(1980, 1, 1)
    )
    summary.refresh()
    assert summary_open(SAMARINDA, Programme.PASUNG) == 1

    services.case_detail_save(
        actor=samarinda_staff,
        case=case,
        detail=case.pasung,
        data={"pasung_status": PasungStatus.RELEASED, "released_on": date(2026, 11, 3)},
    )
    summary.refresh()
    assert summary_open(SAMARINDA, Programme.PASUNG) == 0
    assert_summary_matches_registry()

    services.pasung_event_add(
        actor=samarinda_staff,
        case=case,
        data={"kind": PasungEvent.Kind.RESHACKLED, "date": date(2026, 11, 20)},
    )
    summary.refresh()
    assert summary_open(SAMARINDA, Programme.PASUNG) == 1
    assert_summary_matches_registry()


def test_a_bulk_import_is_counted_at_the_next_refresh(
    no_overlap, street_children, balikpapan_staff
):
    summary.refresh()
    district = "64.71.01"
    import_old_cases(
        balikpapan_staff,
        [
            f"Anak Satu,L,AJ,{district},2026-09-14,ditangani,,",
            f"Anak Dua,P,AJ,{district},2026-08-02,selesai,,",
            f"Ibu Tiga,P,TS,{district},2026-11-01,terdaftar,,",
            f"Bapak Empat,L,PD,{district},2025-12-24,terdaftar,,ya",
        ],
    )

    result = summary.refresh()

    assert result.regencies == [BALIKPAPAN]
    assert summary_open(BALIKPAPAN, Programme.STREET_CHILDREN) == 2
    assert summary_open(BALIKPAPAN, Programme.PROSTITUTION) == 1
    assert summary_open(BALIKPAPAN, Programme.PASUNG) == 1
    assert_summary_matches_registry()


def test_a_delete_that_left_no_trace_is_caught_by_the_next_refresh(no_overlap, street_children):
    summary.refresh()
    Case.objects.filter(pk=street_children[2].pk).delete()  # a data fix in the shell

    result = summary.refresh()

    assert result.regencies == [BALIKPAPAN]
    assert summary_open(BALIKPAPAN, Programme.STREET_CHILDREN) == 0
    assert_summary_matches_registry()


def test_the_nightly_reconciliation_corrects_and_counts_what_bypassed_the_trail(
    no_overlap, street_children
):
    summary.refresh()
    # A status changed by a raw update: no audit event, the number of cases unchanged.
    Case.objects.filter(pk=street_children[0].pk).update(status=S.CLOSED)
    assert summary.refresh().regencies == []
    assert summary_open(SAMARINDA, Programme.STREET_CHILDREN) == 2  # not seen yet

    result = summary.reconcile()

    assert result.rows_changed > 0
    assert summary_open(SAMARINDA, Programme.STREET_CHILDREN) == 1
    # The closure has no status change: the replay dates it at the record's status date, and
    # counts it among the month's closures (the direct count of status changes cannot).
    assert_summary_matches_registry(flows=False)
    closed = CaseFlow.objects.filter(regency_id=SAMARINDA).aggregate(n=Sum("closed"))["n"]
    assert closed == 1
    state = SummaryState.objects.get(regency_id=SAMARINDA)
    assert state.mismatches > 0 and state.reconciled_at is not None
    assert SummaryState.objects.get(regency_id=BALIKPAPAN).mismatches == 0
    assert summary.reconcile().rows_changed == 0
    assert SummaryRun.objects.filter(kind=SummaryRun.Kind.RECONCILE).count() == 2


def test_the_first_refresh_of_a_month_replays_the_month_before(street_children, samarinda_staff):
    summary.refresh()
    this_month = summary.current_month()
    last_month = add_months(this_month, -1)
    # Pretend the summary was last built last month, as monthly snapshots: wrong rows.
    CaseStock.objects.filter(month=this_month).update(cases=99)
    SummaryState.objects.update(month=last_month)
    walk(
        street_children[0],
        samarinda_staff,
        S.VERIFIED,
        S.IN_HANDLING,
        S.RESOLVED,
        on=timezone.localdate() - timedelta(days=0),
    )

    result = summary.refresh()

    assert len(result.regencies) == 10
    # Last month is counted again from the history: the resolution is dated this month.
    assert summary_open(SAMARINDA, Programme.STREET_CHILDREN, last_month) == 2
    assert summary_open(BALIKPAPAN, Programme.STREET_CHILDREN, last_month) == 1
    assert summary_open(SAMARINDA, Programme.STREET_CHILDREN) == 1
    assert set(SummaryState.objects.values_list("month", flat=True)) == {this_month}
    assert_summary_matches_registry()


def test_direct_and_summary_counts_agree_for_every_programme(street_children, samarinda_staff):
    register(samarinda_staff, name="Sumiati", category="TS", sex="P", birth_date=date(1990, 2, 2))
    summary.refresh()
    for programme in Programme.values:
        assert summary_open(SAMARINDA, programme) == direct_open(SAMARINDA, programme)


def test_a_report_catches_up_only_the_regencies_written_to_since_their_last_count(
    street_children, samarinda_staff
):
    summary.refresh()
    assert summary.catch_up([SAMARINDA]) == []
    register(samarinda_staff, name="Agus Pratama")

    assert summary.catch_up([BALIKPAPAN]) == []
    assert summary.catch_up([SAMARINDA]) == [SAMARINDA]
    assert summary_open(SAMARINDA, Programme.STREET_CHILDREN) == 3
    assert summary.catch_up(None) == []
    assert_summary_matches_registry()
