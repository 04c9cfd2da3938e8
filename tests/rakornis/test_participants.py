"""Participants: one by one, from the committee's file (all rows or none), and attendance per
day at the door or from the list, never outside the meeting's days."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from rakornis import services, stats
from rakornis.models import Attendance, InstitutionType, Participant, ParticipantRole
from tests.conftest import BALIKPAPAN, SAMARINDA
from tests.helpers import SESSION_AND_USER
from tests.rakornis.conftest import KUTAI_TIMUR, make_meeting, participant_data, today, upload

pytestmark = pytest.mark.django_db


GOOD_CSV = (
    "Nama;Jabatan;Instansi;Kabupaten/Kota;Peran;No HP;Email;Hadir\n"
    "Siti Rahmawati;Kabid Rehsos;Dinas Sosial Kota Samarinda;Kota Samarinda;Peserta;0812;"
    "siti@example.invalid;1\n"
    "Budi Santoso;Kasi;Dinas Sosial Kota Balikpapan;Balikpapan;;;;semua\n"
    "Dr. Rina;Dosen;Universitas Mulawarman;Samarinda;Narasumber;;;\n"
    "Andi;Kabid;Dinas Sosial Kabupaten Kutai Timur;64.08;Peserta;;;\n"
    "Ketua Forum;;Forum CSR Kaltim;Provinsi;Tamu;;;\n"
)


def import_file(client, meeting, name, content):
    return client.post(
        reverse("rakornis:participant-import", args=[meeting.pk]),
        {"file": upload(name, content)},
    )


def test_a_committee_list_in_csv_registers_everyone_with_their_days_present(
    provincial_officer, meeting, login
):
    response = import_file(login(provincial_officer), meeting, "peserta.csv", GOOD_CSV.encode())
    assert response.status_code == 302
    people = {p.name: p for p in Participant.objects.filter(meeting=meeting)}
    assert len(people) == 5
    assert people["Siti Rahmawati"].regency_id == SAMARINDA
    assert people["Siti Rahmawati"].institution_type == InstitutionType.REGENCY_DINSOS
    assert people["Budi Santoso"].regency_id == BALIKPAPAN
    assert people["Dr. Rina"].institution_type == InstitutionType.UNIVERSITY
    assert people["Dr. Rina"].role == ParticipantRole.SPEAKER
    assert people["Andi"].regency_id == KUTAI_TIMUR
    assert people["Ketua Forum"].regency_id is None
    assert people["Ketua Forum"].institution_type == InstitutionType.CSR_FORUM
    days = {(a.participant.name, a.day) for a in Attendance.objects.select_related("participant")}
    assert days == {
        ("Siti Rahmawati", meeting.starts_on),
        ("Budi Santoso", meeting.starts_on),
        ("Budi Santoso", meeting.ends_on),
    }


def test_a_file_with_an_unknown_regency_saves_nothing_and_reports_the_row(
    provincial_officer, meeting, login
):
    bad = GOOD_CSV + "Joko;Staf;Dinas Sosial Kota Atlantis;Kota Atlantis;;;;\n"
    response = import_file(login(provincial_officer), meeting, "peserta.csv", bad.encode())
    assert response.status_code == 200
    assert not Participant.objects.exists() and not Attendance.objects.exists()
    errors = response.context["check"].errors
    assert [(e["row"], str(e["column"])) for e in errors] == [(7, "Regency/city")]
    html = response.content.decode()
    assert "“Kota Atlantis” is not a regency or city of the province." in html
    assert "Nothing was saved" in html


def test_every_bad_row_is_reported_at_once(provincial_officer, meeting):
    content = (
        "Nama,Instansi,Kabupaten/Kota,Email,Hadir,Peran\n"
        ",Dinsos Samarinda,Samarinda,,,\n"
        "Ani,Dinsos Samarinda,Samarinda,bukan-email,,\n"
        "Ani,Dinsos Samarinda,Samarinda,,,\n"
        "Ani,Dinsos Samarinda,Samarinda,,,\n"
        "Badu,Dinsos Samarinda,Samarinda,,5,\n"
        "Cici,Dinsos Samarinda,Samarinda,,,Presiden\n"
    )
    from rakornis import importing

    table, columns = importing.read_rows(upload("p.csv", content.encode()))
    check = importing.check_rows(table, columns, meeting, today())
    assert not check.valid
    assert [(e["row"], str(e["column"])) for e in check.errors] == [
        (2, "Name"),
        (3, "E-mail"),
        (4, "Name"),
        (5, "Name"),
        (6, "Days present"),
        (7, "Role"),
    ]
    messages = " ".join(e["message"] for e in check.errors)
    assert "The same person and institution as row 3." in messages
    assert "Day 5 is not a day of this meeting, which has 2 days." in messages


def test_attendance_in_a_file_outside_the_meetings_days_is_refused(provincial_officer, meeting):
    outside = (meeting.ends_on + timedelta(days=1)).isoformat()
    content = f"Nama,Instansi,Kabupaten/Kota,Hadir\nAni,Dinsos Samarinda,Samarinda,{outside}\n"
    from rakornis import importing

    table, columns = importing.read_rows(upload("p.csv", content.encode()))
    check = importing.check_rows(table, columns, meeting, today())
    assert check.errors[0]["message"] == f"{outside} is not a day of this meeting."


def test_an_xlsx_list_is_read_too_and_people_already_registered_are_left_alone(
    provincial_officer, meeting, login
):
    services.participant_save(
        actor=provincial_officer,
        meeting=meeting,
        data=participant_data(name="Siti  RAHMAWATI", institution="Dinas Sosial Kota Samarinda"),
    )
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Daftar undangan Rakornis"])
    sheet.append(["Nama", "Instansi", "Kab/Kota", "Jenis instansi"])
    sheet.append(["Siti Rahmawati", "Dinas Sosial Kota Samarinda", "Samarinda", "Dinsos kab/kota"])
    sheet.append(["Yusuf", "Yayasan Peduli Anak", "Kota Bontang", "LKS"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = import_file(login(provincial_officer), meeting, "undangan.xlsx", buffer.getvalue())
    assert response.status_code == 302
    assert sorted(Participant.objects.values_list("name", flat=True)) == [
        "Siti  RAHMAWATI",
        "Yusuf",
    ]
    assert Participant.objects.get(name="Yusuf").institution_type == InstitutionType.LKS


def test_a_file_that_is_not_a_list_is_refused_with_a_reason(provincial_officer, meeting, login):
    client = login(provincial_officer)
    for name, content, reason in [
        ("p.csv", b"a,b\n1,2\n", "No heading row"),
        ("p.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "old Excel file"),
        ("p.csv", b"Nama,Instansi\n", "no participants below it"),
    ]:
        response = import_file(client, meeting, name, content)
        assert response.status_code == 200
        assert reason in response.content.decode()
    assert not Participant.objects.exists()


def test_the_template_downloads_and_imports_as_it_is(provincial_officer, meeting, login):
    client = login(provincial_officer)
    template = client.get(reverse("rakornis:participant-template"))
    assert template.status_code == 200
    response = import_file(client, meeting, "templat.xlsx", template.content)
    assert response.status_code == 302
    assert Participant.objects.get().regency_id == SAMARINDA


def test_a_participant_twice_in_one_meeting_is_refused(provincial_officer, meeting):
    data = participant_data(name="Ani", institution="Dinsos Samarinda")
    services.participant_save(actor=provincial_officer, meeting=meeting, data=data)
    with pytest.raises(ValidationError):
        services.participant_save(
            actor=provincial_officer, meeting=meeting, data={**data, "name": " ani "}
        )
    assert Participant.objects.count() == 1


def test_attendance_outside_the_meetings_days_or_in_the_future_is_refused(
    provincial_officer, meeting
):
    participant = services.participant_save(
        actor=provincial_officer, meeting=meeting, data=participant_data()
    )
    for day in (meeting.starts_on - timedelta(days=1), meeting.ends_on + timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            services.attendance_mark(actor=provincial_officer, participant=participant, day=day)
        assert "is not a day of this meeting" in str(refused.value)
    upcoming = make_meeting(
        provincial_officer,
        title="Rakor berikutnya",
        starts_on=today(),
        ends_on=today() + timedelta(days=1),
        status="planned",
    )
    guest = services.participant_save(
        actor=provincial_officer, meeting=upcoming, data=participant_data()
    )
    with pytest.raises(ValidationError) as refused:
        services.attendance_mark(actor=provincial_officer, participant=guest, day=upcoming.ends_on)
    assert "still to come" in str(refused.value)
    assert not Attendance.objects.exists()


def test_at_the_door_a_tap_marks_someone_present_and_answers_the_phone_with_json(
    provincial_officer, meeting, login
):
    participant = services.participant_save(
        actor=provincial_officer, meeting=meeting, data=participant_data(name="Rahmat Hidayat")
    )
    client = login(provincial_officer)
    door = client.get(
        reverse("rakornis:door", args=[meeting.pk]), {"q": "rahmat", "day": meeting.ends_on}
    )
    assert [p.name for p in door.context["participants"]] == ["Rahmat Hidayat"]
    response = client.post(
        reverse("rakornis:door-mark", args=[meeting.pk]),
        {"participant": participant.pk, "day": meeting.ends_on.isoformat(), "present": "on"},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.json() == {"present": True, "count": 1}
    assert Attendance.objects.get().day == meeting.ends_on
    again = client.post(
        reverse("rakornis:door-mark", args=[meeting.pk]),
        {"participant": participant.pk, "day": meeting.ends_on.isoformat(), "present": ""},
        headers={"X-Requested-With": "fetch"},
    )
    assert again.json() == {"present": False, "count": 0}
    assert not Attendance.objects.exists()


def test_a_tap_for_a_day_outside_the_meeting_is_refused_at_the_door(
    provincial_officer, meeting, login
):
    participant = services.participant_save(
        actor=provincial_officer, meeting=meeting, data=participant_data()
    )
    response = login(provincial_officer).post(
        reverse("rakornis:door-mark", args=[meeting.pk]),
        {
            "participant": participant.pk,
            "day": (meeting.ends_on + timedelta(days=3)).isoformat(),
            "present": "on",
        },
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 400
    assert "is not a day of this meeting" in response.json()["error"]
    assert not Attendance.objects.exists()


def test_a_walk_in_is_registered_and_marked_present_in_one_step(provincial_officer, meeting, login):
    response = login(provincial_officer).post(
        reverse("rakornis:door-walk-in", args=[meeting.pk]),
        {
            "day": meeting.starts_on.isoformat(),
            "walkin-name": "Tamu Mendadak",
            "walkin-institution": "Dinas Sosial Kota Bontang",
            "walkin-institution_type": "regency_dinsos",
            "walkin-regency": "64.74",
        },
    )
    assert response.status_code == 302
    participant = Participant.objects.get()
    assert not participant.invited
    assert participant.attendances.get().day == meeting.starts_on


def test_ticking_attendance_on_a_searched_list_leaves_the_others_alone(
    provincial_officer, meeting, login
):
    ani, badu = (
        services.participant_save(
            actor=provincial_officer, meeting=meeting, data=participant_data(name=name)
        )
        for name in ("Ani", "Badu")
    )
    services.attendance_mark(actor=provincial_officer, participant=badu, day=meeting.starts_on)
    response = login(provincial_officer).post(
        reverse("rakornis:attendance-save", args=[meeting.pk]),
        {"day": meeting.starts_on.isoformat(), "listed": [ani.pk], "present": [ani.pk]},
    )
    assert response.status_code == 302
    assert set(Attendance.objects.values_list("participant__name", flat=True)) == {"Ani", "Badu"}


def test_counts_by_regency_list_every_regency_and_show_who_came(provincial_officer, meeting):
    for regency, present in [
        (SAMARINDA, True),
        (SAMARINDA, False),
        (BALIKPAPAN, True),
        (None, True),
    ]:
        participant = services.participant_save(
            actor=provincial_officer,
            meeting=meeting,
            data=participant_data(
                regency,
                institution_type="regency_dinsos" if regency else "csr_forum",
            ),
        )
        if present:
            services.attendance_mark(
                actor=provincial_officer, participant=participant, day=meeting.starts_on
            )
    rows, totals = stats.attendance_by_regency(meeting)
    by_code = {row["code"]: row for row in rows}
    assert len(rows) == 11
    assert (by_code[SAMARINDA]["registered"], by_code[SAMARINDA]["present"]) == (2, 1)
    assert (by_code[BALIKPAPAN]["registered"], by_code[BALIKPAPAN]["present"]) == (1, 1)
    assert (by_code[""]["registered"], by_code[""]["present"]) == (1, 1)
    assert totals["registered"] == 4 and totals["present"] == 3
    assert totals["regencies_present"] == 2
    institutions = {
        row["name"]: row["registered"] for row in stats.attendance_by_institution(meeting)
    }
    assert institutions == {
        InstitutionType.REGENCY_DINSOS.label: 3,
        InstitutionType.CSR_FORUM.label: 1,
    }


def add_participants(officer, meeting, how_many: int) -> None:
    regencies = [SAMARINDA, BALIKPAPAN, KUTAI_TIMUR, None]
    for number in range(how_many):
        participant = services.participant_save(
            actor=officer,
            meeting=meeting,
            data=participant_data(
                regencies[number % 4],
                institution_type="regency_dinsos" if number % 4 != 3 else "other",
            ),
        )
        services.attendance_mark(actor=officer, participant=participant, day=meeting.starts_on)


def test_the_participant_list_costs_the_same_however_many_participants(
    provincial_officer, meeting, login, django_assert_num_queries
):
    add_participants(provincial_officer, meeting, 4)
    client = login(provincial_officer)
    url = reverse("rakornis:participants", args=[meeting.pk])
    # The meeting with its host; the participants with their regency, days present and
    # presence on the day; counts by regency (grouped) and the regencies of the province;
    # counts by institution; present by day.
    expected = SESSION_AND_USER + 6
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert len(response.context["participants"]) == 4
    add_participants(provincial_officer, meeting, 12)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert len(response.context["participants"]) == 16
    assert response.context["totals"]["present"] == 16


def test_regency_staff_read_the_participants_but_not_their_phone_numbers(
    provincial_officer, samarinda_staff, meeting, client_as
):
    services.participant_save(
        actor=provincial_officer, meeting=meeting, data=participant_data(phone="081234567890")
    )
    page = client_as(samarinda_staff).get(reverse("rakornis:participants", args=[meeting.pk]))
    assert page.status_code == 200
    assert "081234567890" not in page.content.decode()
    assert (
        client_as(samarinda_staff).get(reverse("rakornis:door", args=[meeting.pk])).status_code
        == 403
    )
