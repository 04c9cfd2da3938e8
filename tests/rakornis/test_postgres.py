"""Races that only PostgreSQL shows: two reminder runs at once, two taps at the door at once.

Run by `make test-postgres` (and CI); the SQLite run deselects them with -m "not postgres".
"""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections

from rakornis import services
from rakornis.models import Attendance, ReminderLog
from tests.rakornis.conftest import make_meeting, make_recommendation, participant_data, today

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def on_postgresql(db):
    # SQLite serialises writers, so there is no race to show: CI runs these on PostgreSQL.
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (make test-postgres)")


def at_once(work, times=2):
    barrier = threading.Barrier(times)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_two_reminder_runs_at_the_same_moment_send_each_reminder_once(
    provincial_officer, samarinda_staff, balikpapan_staff
):
    meeting = make_meeting(
        provincial_officer,
        starts_on=today() - timedelta(days=40),
        ends_on=today() - timedelta(days=39),
    )
    make_recommendation(provincial_officer, meeting, due_on=today() - timedelta(days=2))
    results, errors = at_once(lambda: services.follow_up_send_reminders(today=today()))
    assert not errors
    assert sum(run.follow_ups for run in results) == 2
    assert len(mail.outbox) == 2
    assert ReminderLog.objects.count() == 2


def test_two_taps_for_one_person_at_the_door_record_one_attendance(provincial_officer):
    meeting = make_meeting(provincial_officer)
    participant = services.participant_save(
        actor=provincial_officer, meeting=meeting, data=participant_data()
    )
    results, errors = at_once(
        lambda: services.attendance_mark(
            actor=provincial_officer, participant=participant, day=meeting.starts_on
        )
    )
    assert not errors
    assert sorted(results) == [False, True]
    assert Attendance.objects.count() == 1
