"""The suite's clock: the calendar's edges, and a whole run moved to one of them.

Many of the portal's answers depend on today's date in WITA (which months a report covers, when
a KUBE report is due, which follow-ups are late, a person's age from a birth date). A test that
reads the calendar passes on most days and fails on a few — the first days of a month, the day
a report falls due, New Year's Eve, a leap day, the hours after midnight WITA when the UTC date
is still the day before. So the date-sensitive tests (marker `calendar`) also run with the whole
process moved to each of those moments: `PMKS_TEST_NOW=<ISO datetime> pytest -m calendar`
(`make test-calendar` runs every edge, and CI runs it). The clock keeps ticking from there
(time-machine with tick=True), so timeouts, sessions and the live server behave normally.

The edges are always in the future, relative to the real date: a browser keeps its own clock,
and a cookie that the server dates in the past would be thrown away by it.
"""

import os
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine

WITA = ZoneInfo("Asia/Makassar")
ENV = "PMKS_TEST_NOW"
# KubeRules.report_due_day's default: a month's KUBE report is due by this day of the next month.
KUBE_DUE_DAY = 10


def _first_of_next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _next_leap_day(day: date) -> date:
    year = day.year
    while True:
        try:
            leap = date(year, 2, 29)
        except ValueError:
            year += 1
            continue
        if leap > day:
            return leap
        year += 1


def edges(today: date) -> dict[str, datetime]:
    """The calendar's edges after `today`, by name, as WITA datetimes. Five runs cover them:
    each edge that can share a moment with another does (New Year's Eve at 23:30, the 1st just
    after midnight), because every edge costs CI a run of the date-sensitive tests."""
    first = _first_of_next_month(today)
    due = first.replace(day=KUBE_DUE_DAY)
    new_years_eve = date(today.year, 12, 31)
    if new_years_eve <= today:
        new_years_eve = date(today.year + 1, 12, 31)
    return {
        # 00:30 WITA on the 1st: UTC (16:30) is still the previous day, and the previous month.
        "first-of-month-after-midnight-wita": datetime.combine(first, time(0, 30), WITA),
        "day-before-kube-due": datetime.combine(due - timedelta(days=1), time(10, 0), WITA),
        "day-after-kube-due": datetime.combine(due + timedelta(days=1), time(10, 0), WITA),
        # 23:30 WITA on 31 December: the last half hour of a month, a quarter and a year.
        "new-years-eve-late-evening-wita": datetime.combine(new_years_eve, time(23, 30), WITA),
        "leap-day": datetime.combine(_next_leap_day(today), time(10, 0), WITA),
    }


# The date-sensitive tests, marked `calendar` at collection (tests/conftest.py): whole folders
# where months, due days and reminders are the subject, and the modules elsewhere whose records
# carry dates relative to today (found and effective dates, ages from NIK birth dates, session
# lifetimes). Kept to what reads the calendar: each module here runs five more times in CI.
# A new test module that reads today's date belongs here.
CALENDAR_PATHS = (
    "tests/kube/",
    "tests/rakornis/",
    "tests/reports/",
    "tests/browser/test_kube_groups.py",
    "tests/cases/test_nik.py",
    "tests/cases/test_merge.py",
    "tests/cases/test_workflow.py",
    "tests/cases/test_demo_seed.py",
    "tests/foundation/test_auth.py",
)


def is_calendar_test(relative_path: str) -> bool:
    return relative_path.startswith(CALENDAR_PATHS)


_traveller = None


def start_from_environment() -> datetime | None:
    """Moves the whole process to PMKS_TEST_NOW, if it is set; returns where it went."""
    global _traveller
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=WITA)
    _traveller = time_machine.travel(moment, tick=True)
    _traveller.start()
    return moment


def stop() -> None:
    global _traveller
    if _traveller is not None:
        _traveller.stop()
        _traveller = None


if __name__ == "__main__":
    # `python -m tests.clock`: one line per edge, "name ISO-datetime", for make test-calendar.
    for name, moment in edges(datetime.now(WITA).date()).items():
        print(name, moment.isoformat())
