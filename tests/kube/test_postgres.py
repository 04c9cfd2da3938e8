"""KUBE rules that must hold when two people save at the same moment, on PostgreSQL (where
writers really run at once; SQLite serialises them).

Run by `make test-postgres` (and CI); `make test` deselects them with -m "not postgres", and a
plain `pytest tests/kube` on SQLite reports them as skipped, with the reason.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from kube import services
from kube.models import KubeMember, KubeReport
from tests.kube.conftest import (
    form_group,
    months_back,
    new_group,
    registered_poor_person,
    report_data,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: run these with `make test-postgres`.")


def at_once(*calls) -> list[str]:
    """Runs the calls in threads released together; 'saved' or the refusal's message each."""
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("saved")
        except ValidationError as refused:
            outcomes.append(" ".join(refused.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_one_person_added_to_two_groups_at_once_joins_one(samarinda_staff):
    person = registered_poor_person(samarinda_staff, name="Diperebutkan")
    first = new_group(samarinda_staff, name="KUBE Satu")
    second = new_group(samarinda_staff, name="KUBE Dua")

    def add_to(kube):
        return lambda: services.member_add(
            actor=samarinda_staff, kube=kube, person=person, role="ketua", confirmed=True
        )

    outcomes = at_once(add_to(first), add_to(second))
    assert outcomes[1] == "saved"
    assert "already a member of" in outcomes[0]
    assert KubeMember.objects.filter(person=person, is_current=True).count() == 1


def test_two_members_added_to_a_group_of_nine_at_once_make_ten(samarinda_staff):
    kube = form_group(samarinda_staff, members=9)
    tenth = registered_poor_person(samarinda_staff, name="Kesepuluh")
    eleventh = registered_poor_person(samarinda_staff, name="Kesebelas")

    def add(person):
        return lambda: services.member_add(
            actor=samarinda_staff, kube=kube, person=person, role="anggota"
        )

    outcomes = at_once(add(tenth), add(eleventh))
    assert outcomes[1] == "saved"
    assert "the most the rules allow" in outcomes[0]
    assert kube.members.filter(left_on__isnull=True).count() == 10


def test_two_reports_of_one_month_sent_at_once_leave_one(samarinda_staff):
    kube = form_group(samarinda_staff)
    month = months_back(1)

    def report():
        return services.report_add(actor=samarinda_staff, kube=kube, data=report_data(month))

    outcomes = at_once(report, report)
    assert outcomes[1] == "saved"
    assert "report for this month already" in outcomes[0]
    assert KubeReport.objects.filter(kube=kube, month=month).count() == 1
