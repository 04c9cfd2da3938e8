"""follow_up_counts, the figure the reports and dashboard call: open, overdue and done follow-ups
of a regency (or the province) as they stood on a day."""

from datetime import timedelta

import pytest

from rakornis import services
from rakornis.indicators import follow_up_counts
from tests.conftest import BALIKPAPAN, SAMARINDA
from tests.rakornis.conftest import make_meeting, make_recommendation, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(provincial_officer):
    """Three recommendations for Samarinda and Balikpapan, due 10 days ago, in 20 days and 40
    days ago; and one of the provincial unit."""
    meeting = make_meeting(
        provincial_officer,
        starts_on=today() - timedelta(days=60),
        ends_on=today() - timedelta(days=59),
    )
    made = [
        make_recommendation(
            provincial_officer, meeting, text=f"R{days}", due_on=today() + timedelta(days=days)
        )
        for days in (-10, 20, -40)
    ]
    make_recommendation(
        provincial_officer,
        meeting,
        regency_codes=(),
        provincial_unit="Bidang Rehsos",
        due_on=today() - timedelta(days=1),
    )
    return made


def update(staff, recommendation, status, on):
    follow_up = recommendation.follow_ups.get(regency=staff.regency)
    services.follow_up_update(
        actor=staff,
        follow_up=follow_up,
        expected_version=None,
        status=status,
        note="Laporan",
        happened_on=on,
    )


def test_counts_of_one_regency_today(items, samarinda_staff, balikpapan_staff):
    update(samarinda_staff, items[2], "done", today() - timedelta(days=5))
    update(samarinda_staff, items[1], "cancelled", today())
    assert follow_up_counts(SAMARINDA, today()) == {"open": 1, "overdue": 1, "done": 1}
    assert follow_up_counts(BALIKPAPAN, today()) == {"open": 3, "overdue": 2, "done": 0}


def test_the_whole_province_includes_the_provincial_units(items, samarinda_staff):
    update(samarinda_staff, items[2], "done", today())
    assert follow_up_counts(None, today()) == {"open": 6, "overdue": 4, "done": 1}


def test_a_past_day_counts_the_status_of_that_day(items, samarinda_staff):
    update(samarinda_staff, items[2], "in_progress", today() - timedelta(days=20))
    update(samarinda_staff, items[2], "done", today() - timedelta(days=5))
    ten_days_ago = today() - timedelta(days=10)
    # Then, item 2 was still in progress and overdue; item 0 was due that very day (not overdue).
    assert follow_up_counts(SAMARINDA, ten_days_ago) == {"open": 3, "overdue": 1, "done": 0}
    assert follow_up_counts(SAMARINDA, today()) == {"open": 2, "overdue": 1, "done": 1}


def test_nothing_counts_before_the_meeting(items):
    assert follow_up_counts(None, today() - timedelta(days=61)) == {
        "open": 0,
        "overdue": 0,
        "done": 0,
    }


def test_one_query(items, django_assert_num_queries):
    with django_assert_num_queries(1):
        follow_up_counts(SAMARINDA, today())
