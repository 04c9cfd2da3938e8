"""Sensitive cases (TS, ODHA, KNAPZA, KTr, pasung): every read is logged, on detail pages,
lists and exports; the weekly digest tells the administrators about unusual access."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit import sensitive, unusual_access
from audit.models import AccessDigest, AuditEvent
from audit.tasks import send_unusual_access_digest
from tests.cases.conftest import register

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)  # a week from Monday 2 March 2026, 00:00 WITA
WEDNESDAY_NOON = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.get_default_timezone())
NEXT_MONDAY_MORNING = datetime(2026, 3, 9, 6, 0, tzinfo=timezone.get_default_timezone())


def sensitive_reads(**filters):
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, changes__has_key=sensitive.MARK, **filters
    )


@pytest.fixture
def odha_case(samarinda_staff):
    return register(samarinda_staff, name="Anton Wijaya", nik="6472051705900011", category="ODHA")


@pytest.fixture
def pasung_case(samarinda_staff):
    return register(
        samarinda_staff, name="Budi Santoso", nik="6472051705800012", category="PD", is_pasung=True
    )


@pytest.fixture
def street_child(samarinda_staff):
    return register(samarinda_staff, name="Rudi Hartono", nik="6472051705120003")


@pytest.mark.parametrize("code", ["TS", "ODHA", "KNAPZA", "KTr"])
def test_the_sensitive_categories_are_the_ones_of_the_issue(code, samarinda_staff):
    case = register(samarinda_staff, name="Sinta Dewi", nik="6472054705950013", category=code)
    assert sensitive.is_sensitive_case(case)


def test_a_pasung_case_is_sensitive_whatever_its_category_and_a_street_child_is_not(
    pasung_case, street_child
):
    assert sensitive.is_sensitive_case(pasung_case)
    assert not sensitive.is_sensitive_case(street_child)


def test_opening_a_sensitive_case_or_its_person_is_logged_as_sensitive(
    odha_case, street_child, samarinda_viewer, login
):
    client = login(samarinda_viewer)
    for url in (
        reverse("cases:detail", args=[odha_case.pk]),
        reverse("cases:person-detail", args=[odha_case.person_id]),
        reverse("cases:detail", args=[street_child.pk]),
        reverse("cases:person-detail", args=[street_child.person_id]),
    ):
        assert client.get(url).status_code == 200

    marked = sensitive_reads(actor=samarinda_viewer).values_list("target_type", "target_id")
    assert sorted(marked) == sorted(
        [("cases.case", str(odha_case.pk)), ("cases.person", str(odha_case.person_id))]
    )
    # Every page is logged as before; only the sensitive ones carry the mark.
    assert AuditEvent.objects.filter(action="view", actor=samarinda_viewer).count() == 4


def test_a_list_page_logs_each_sensitive_case_it_shows(
    odha_case, pasung_case, street_child, samarinda_viewer, login
):
    assert login(samarinda_viewer).get(reverse("cases:list")).status_code == 200

    logged = sensitive_reads(actor=samarinda_viewer, changes__sensitive="list")
    assert sorted(logged.values_list("target_id", flat=True)) == sorted(
        [str(odha_case.pk), str(pasung_case.pk)]
    )


def test_a_list_without_sensitive_cases_costs_no_write(street_child, samarinda_viewer, login):
    client = login(samarinda_viewer)
    client.get(reverse("cases:list"))
    before = AuditEvent.objects.count()
    client.get(reverse("cases:list"))
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_an_export_logs_each_sensitive_case_it_holds(
    export_format, odha_case, pasung_case, street_child, provincial_officer, login
):
    response = login(provincial_officer).get(reverse("cases:export"), {"format": export_format})
    assert response.status_code == 200

    logged = sensitive_reads(actor=provincial_officer, changes__sensitive="export")
    assert sorted(logged.values_list("target_id", "regency_id")) == sorted(
        [(str(odha_case.pk), "64.72"), (str(pasung_case.pk), "64.72")]
    )


def test_an_export_logs_in_batches_without_loading_the_cases(
    odha_case, pasung_case, provincial_officer, monkeypatch, django_assert_num_queries
):
    from cases.models import Case

    monkeypatch.setattr(sensitive, "BATCH", 1)
    with django_assert_num_queries(1 + 2):  # the keys, then one insert per batch of one
        total = sensitive.record_export_reads(
            actor=provincial_officer, cases_queryset=Case.objects.all()
        )
    assert total == 2


def test_opening_an_attachment_of_a_sensitive_case_is_logged_as_sensitive(
    odha_case, samarinda_staff, samarinda_viewer, login, settings, tmp_path
):
    from cases import attachments
    from tests.cases.test_attachments import MINIMAL_PDF, upload_file

    settings.MEDIA_ROOT = tmp_path / "private"
    attachment = attachments.attachment_add(
        actor=samarinda_staff,
        case=odha_case,
        uploaded_file=upload_file("surat.pdf", MINIMAL_PDF, "application/pdf"),
    )
    response = login(samarinda_viewer).get(
        reverse("cases:attachment-download", args=[attachment.pk])
    )
    assert response.status_code == 200

    (event,) = sensitive_reads(actor=samarinda_viewer)
    assert event.changes == {"attachment": attachment.pk, "sensitive": "attachment"}


# --- The weekly digest ------------------------------------------------------------------------


def read_during_the_week(user, case, via="detail", at=WEDNESDAY_NOON):
    with time_machine.travel(at, tick=False):
        sensitive.record_case_reads(actor=user, cases=[case], via=via)


def test_a_user_reading_within_their_usual_work_is_not_reported(samarinda_staff, odha_case):
    read_during_the_week(samarinda_staff, odha_case)
    assert unusual_access.unusual_access(MONDAY) == []


def test_reading_outside_the_usual_work_is_reported(
    provincial_officer, balikpapan_staff, odha_case, settings
):
    settings.PMKS_SENSITIVE_DIGEST_MANY = 20
    read_during_the_week(provincial_officer, odha_case)

    (finding,) = unusual_access.unusual_access(MONDAY)

    assert finding.reader == provincial_officer.username
    assert finding.records == 1 and not finding.many
    assert finding.outside == [("cases.case", str(odha_case.pk), "64.72")]


def test_many_records_in_a_week_are_reported_even_within_the_usual_work(
    samarinda_staff, odha_case, pasung_case, settings
):
    settings.PMKS_SENSITIVE_DIGEST_MANY = 2
    read_during_the_week(samarinda_staff, odha_case)
    read_during_the_week(samarinda_staff, odha_case)  # the same record twice counts once
    assert unusual_access.unusual_access(MONDAY) == []
    read_during_the_week(samarinda_staff, pasung_case)

    (finding,) = unusual_access.unusual_access(MONDAY)
    assert (finding.records, finding.many, finding.outside) == (2, True, [])


def test_reads_of_other_weeks_do_not_count(provincial_officer, odha_case):
    read_during_the_week(provincial_officer, odha_case, at=WEDNESDAY_NOON - timedelta(days=7))
    read_during_the_week(provincial_officer, odha_case, at=NEXT_MONDAY_MORNING)
    assert unusual_access.unusual_access(MONDAY) == []


def test_the_week_runs_from_monday_midnight_wita():
    start, end = unusual_access.week_bounds(MONDAY)
    assert start.isoformat() == "2026-03-02T00:00:00+08:00"
    assert end - start == timedelta(days=7)
    assert unusual_access.last_week_start(date(2026, 3, 9)) == MONDAY
    assert unusual_access.last_week_start(date(2026, 3, 15)) == MONDAY


def test_the_task_mails_the_admins_once_per_week_in_indonesian(
    admin, provincial_officer, odha_case, settings
):
    settings.LANGUAGE_CODE = "id"  # the portal's default, which the e-mail follows
    read_during_the_week(provincial_officer, odha_case)
    mail.outbox.clear()

    with time_machine.travel(NEXT_MONDAY_MORNING, tick=False):
        # Run here, in the test's transaction, as the beat's worker would run it.
        first = send_unusual_access_digest.apply().get()
        again = send_unusual_access_digest.apply(args=[MONDAY.isoformat()]).get()

    assert first == {"week": "2026-03-02", "sent": True}
    assert again == {"week": "2026-03-02", "sent": False}
    (message,) = mail.outbox
    assert message.to == [admin.email]
    assert message.subject == "Akses tidak biasa ke data sensitif, pekan mulai 2 Maret 2026"
    assert "1 data sensitif dibuka" in message.body
    assert provincial_officer.username in message.body
    assert f"cases.case #{odha_case.pk}" in message.body
    assert odha_case.person.name not in message.body and odha_case.person.nik not in message.body
    assert AccessDigest.objects.get().findings == 1


def test_a_failed_send_leaves_the_week_to_be_sent_again(
    admin, provincial_officer, odha_case, monkeypatch
):
    read_during_the_week(provincial_officer, odha_case)

    def smtp_down(*args, **kwargs):
        raise OSError("SMTP unreachable")

    monkeypatch.setattr(unusual_access, "send_mail", smtp_down)
    with pytest.raises(OSError):
        unusual_access.unusual_access_send_digest(MONDAY)
    assert not AccessDigest.objects.exists()

    monkeypatch.undo()
    assert unusual_access.unusual_access_send_digest(MONDAY) is not None


def test_the_task_takes_a_monday_only():
    with pytest.raises(ValueError):
        send_unusual_access_digest.run("2026-03-03")


def test_the_digest_runs_every_monday_morning_from_the_beat_schedule(settings):
    from pmks_portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["audit-unusual-access-digest"]
    assert entry["task"] == send_unusual_access_digest.name
    schedule = entry["schedule"]
    assert (schedule.day_of_week, schedule.hour, schedule.minute) == ({1}, {6}, {0})
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
