"""Reminders: the responsible regency's staff are e-mailed about follow-ups due within a week and
overdue ones; a second run on the same day sends nothing again."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail

from accounts.roles import Role
from rakornis import services, tasks
from rakornis.models import FollowUpStatus, ReminderKind, ReminderLog
from regions.models import Region
from tests.conftest import BALIKPAPAN, SAMARINDA, make_persona
from tests.rakornis.conftest import make_meeting, make_recommendation, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_items(provincial_officer, samarinda_staff, balikpapan_staff):
    """For Samarinda and Balikpapan: one item due in 5 days, one overdue by 3 days, one due in
    a month (not yet worth a reminder)."""
    meeting = make_meeting(
        provincial_officer,
        starts_on=today() - timedelta(days=40),
        ends_on=today() - timedelta(days=39),
    )
    return [
        make_recommendation(
            provincial_officer, meeting, text=text, due_on=today() + timedelta(days=days)
        )
        for text, days in [("Segera", 5), ("Terlambat", -3), ("Nanti", 30)]
    ]


def test_each_regency_gets_one_mail_listing_its_due_and_overdue_items(due_items, samarinda_viewer):
    run = services.follow_up_send_reminders(today=today())
    assert (run.emails, run.follow_ups) == (2, 4)
    recipients = sorted(tuple(message.to) for message in mail.outbox)
    # Staff only (viewers cannot update follow-ups), one mail per regency.
    assert recipients == [("bayu_balikpapan@example.invalid",), ("sari_samarinda@example.invalid",)]
    samarinda_mail = next(m for m in mail.outbox if m.to == ["sari_samarinda@example.invalid"])
    assert "Terlambat" in samarinda_mail.body and "Segera" in samarinda_mail.body
    assert "Nanti" not in samarinda_mail.body
    assert "/rakornis/tindak-lanjut/" in samarinda_mail.body
    kinds = set(ReminderLog.objects.values_list("follow_up__regency_id", "kind"))
    assert kinds == {
        (SAMARINDA, ReminderKind.DUE_SOON),
        (SAMARINDA, ReminderKind.OVERDUE),
        (BALIKPAPAN, ReminderKind.DUE_SOON),
        (BALIKPAPAN, ReminderKind.OVERDUE),
    }


def test_running_twice_on_one_day_sends_nothing_twice(due_items):
    services.follow_up_send_reminders(today=today())
    sent = len(mail.outbox)
    again = services.follow_up_send_reminders(today=today())
    assert (again.emails, again.follow_ups) == (0, 0)
    assert len(mail.outbox) == sent == 2
    assert ReminderLog.objects.count() == 4


def test_the_task_run_twice_sends_nothing_twice(due_items):
    # apply(): in this process, whether or not a broker is configured.
    first = tasks.send_follow_up_reminders.apply().get()
    second = tasks.send_follow_up_reminders.apply().get()
    assert (first, second) == ({"emails": 2, "follow_ups": 4}, {"emails": 0, "follow_ups": 0})
    assert len(mail.outbox) == 2


def test_a_due_soon_reminder_comes_once_and_an_overdue_one_again_after_a_week(due_items):
    services.follow_up_send_reminders(today=today())
    mail.outbox.clear()
    tomorrow = services.follow_up_send_reminders(today=today() + timedelta(days=1))
    assert tomorrow.follow_ups == 0 and not mail.outbox
    week_later = services.follow_up_send_reminders(today=today() + timedelta(days=7))
    # The overdue item again; the item that was due soon is now overdue too (first time).
    assert week_later.follow_ups == 4
    assert ReminderLog.objects.filter(kind=ReminderKind.OVERDUE).count() == 6


def test_done_and_cancelled_follow_ups_are_not_reminded(
    due_items, samarinda_staff, balikpapan_staff
):
    for staff in (samarinda_staff, balikpapan_staff):
        for follow_up in due_items[0].follow_ups.filter(regency=staff.regency):
            services.follow_up_update(
                actor=staff,
                follow_up=follow_up,
                expected_version=None,
                status=FollowUpStatus.DONE,
                note="Selesai",
                happened_on=today(),
            )
        for follow_up in due_items[1].follow_ups.filter(regency=staff.regency):
            services.follow_up_update(
                actor=staff,
                follow_up=follow_up,
                expected_version=None,
                status=FollowUpStatus.CANCELLED,
                note="Dibatalkan rapat",
                happened_on=today(),
            )
    run = services.follow_up_send_reminders(today=today())
    assert run.emails == 0 and not mail.outbox


def test_a_failed_sending_leaves_nothing_recorded_so_the_next_run_tries_again(due_items):
    with (
        mock.patch("rakornis.services.reminders.send_mail", side_effect=OSError("SMTP down")),
        pytest.raises(OSError),
    ):
        services.follow_up_send_reminders(today=today())
    assert ReminderLog.objects.count() == 0
    services.follow_up_send_reminders(today=today())
    assert len(mail.outbox) == 2


def test_a_regency_without_staff_to_write_to_is_skipped_and_stays_due(
    provincial_officer, samarinda_staff
):
    meeting = make_meeting(provincial_officer)
    make_recommendation(
        provincial_officer, meeting, regency_codes=("64.11",), due_on=today() + timedelta(days=2)
    )
    assert services.follow_up_send_reminders(today=today()).emails == 0
    assert not ReminderLog.objects.exists()
    make_persona(
        "staf_mahulu",
        Role.REGENCY_STAFF,
        Region.objects.get(code="64.11"),
    )
    assert services.follow_up_send_reminders(today=today()).emails == 1


def test_the_provincial_units_follow_ups_go_to_the_provincial_officers(provincial_officer):
    meeting = make_meeting(provincial_officer)
    make_recommendation(
        provincial_officer,
        meeting,
        regency_codes=(),
        provincial_unit="Bidang Rehsos",
        due_on=today() + timedelta(days=1),
    )
    services.follow_up_send_reminders(today=today())
    assert [m.to for m in mail.outbox] == [["putri_provinsi@example.invalid"]]


def test_the_reminder_runs_every_morning_from_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["rakornis-follow-up-reminders"]
    assert entry["task"] == tasks.send_follow_up_reminders.name
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}
