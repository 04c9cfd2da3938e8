"""The suite's own clock (tests/clock.py): the calendar's edges, and moving a run to one."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from tests import clock


@pytest.mark.parametrize(
    "today", [date(2026, 12, 2), date(2027, 1, 31), date(2027, 12, 31), date(2028, 2, 28)]
)
def test_the_edges_lie_ahead_and_are_what_they_are_named(today):
    edges = clock.edges(today)
    assert all(moment.date() > today for moment in edges.values())
    first = edges["first-of-month-after-midnight-wita"]
    # Just after midnight WITA on the 1st, UTC is still on the last day of the previous month.
    assert (first.day, first.hour) == (1, 0)
    assert first.astimezone(UTC).month != first.month
    assert edges["day-before-kube-due"].day == clock.KUBE_DUE_DAY - 1
    assert edges["day-after-kube-due"].day == clock.KUBE_DUE_DAY + 1
    late = edges["new-years-eve-late-evening-wita"]
    assert (late.month, late.day, late.hour, late.minute) == (12, 31, 23, 30)
    assert (late + timedelta(hours=1)).year == late.year + 1
    assert (edges["leap-day"].month, edges["leap-day"].day) == (2, 29)


def test_the_date_sensitive_modules_are_marked(pytestconfig):
    assert clock.is_calendar_test("tests/kube/test_services.py")
    assert clock.is_calendar_test("tests/browser/test_kube_groups.py")
    assert not clock.is_calendar_test("tests/foundation/test_clock.py")


def test_the_environment_moves_the_whole_process_and_the_clock_keeps_ticking(monkeypatch):
    was_moved = clock._traveller is not None
    if was_moved:
        pytest.skip("this run is already moved by PMKS_TEST_NOW; nested travel is not the point")
    monkeypatch.setenv(clock.ENV, "2028-02-29T00:30:00+08:00")
    moment = clock.start_from_environment()
    try:
        assert moment == datetime.fromisoformat("2028-02-29T00:30:00+08:00")
        assert timezone.localdate() == date(2028, 2, 29)
        assert timezone.now().astimezone(UTC).date() == date(2028, 2, 28)
        first, second = timezone.now(), timezone.now()
        assert second >= first
    finally:
        clock.stop()
    assert timezone.localdate() != date(2028, 2, 29)


def test_no_environment_leaves_the_clock_alone(monkeypatch):
    monkeypatch.delenv(clock.ENV, raising=False)
    if clock._traveller is not None:
        pytest.skip("this run is moved by PMKS_TEST_NOW")
    assert clock.start_from_environment() is None
    assert abs((timezone.now() - datetime.now(UTC)).total_seconds()) < 5
