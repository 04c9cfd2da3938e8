"""Meetings: recorded by the provincial office, read by every reader, with clear refusals."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.records import EditConflict
from rakornis import services
from rakornis.models import Attendance, Meeting, MeetingStatus
from regions.models import Region
from tests.helpers import SESSION_AND_USER
from tests.rakornis.conftest import (
    KUTAI_TIMUR,
    make_meeting,
    make_recommendation,
    participant_data,
    today,
)

pytestmark = pytest.mark.django_db


def meeting_post(**overrides) -> dict:
    starts = today() + timedelta(days=30)
    data = {
        "type": "rakornis",
        "title": "Rakornis Dinsos Kaltim 2027",
        "theme": "Kaltim bebas pasung",
        "year": starts.year,
        "edition": "8",
        "host_regency": KUTAI_TIMUR,
        "venue": "Sangatta",
        "starts_on": starts.isoformat(),
        "ends_on": (starts + timedelta(days=2)).isoformat(),
        "organiser": "Bidang Rehabilitasi Sosial",
        "opened_by": "",
        "status": "planned",
    }
    data.update(overrides)
    return data


def test_a_provincial_officer_records_a_meeting_of_several_days(provincial_officer, login):
    response = login(provincial_officer).post(reverse("rakornis:create"), meeting_post())
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rakornis:detail", args=[meeting.pk])
    assert len(meeting.days) == 3
    assert meeting.host_regency_id == KUTAI_TIMUR
    assert meeting.created_by == provincial_officer


def test_a_meeting_that_ends_before_it_starts_is_refused_and_nothing_is_saved(
    provincial_officer, login
):
    starts = today() + timedelta(days=30)
    response = login(provincial_officer).post(
        reverse("rakornis:create"),
        meeting_post(ends_on=(starts - timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 200
    assert "The last day cannot come before the first day." in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_meeting_cannot_be_marked_held_before_it_begins(provincial_officer):
    with pytest.raises(ValidationError) as refused:
        make_meeting(
            provincial_officer,
            starts_on=today() + timedelta(days=3),
            ends_on=today() + timedelta(days=4),
            status=MeetingStatus.HELD,
        )
    assert "has not begun" in str(refused.value)
    assert not Meeting.objects.exists()


def test_the_year_must_be_that_of_the_first_day(provincial_officer):
    with pytest.raises(ValidationError):
        make_meeting(provincial_officer, year=today().year - 5)
    assert not Meeting.objects.exists()


def test_regency_staff_and_administrators_cannot_record_meetings(samarinda_staff, admin, client_as):
    for user in (samarinda_staff, admin):
        response = client_as(user).post(reverse("rakornis:create"), meeting_post())
        assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_every_reader_sees_the_province_wide_meeting(
    meeting, samarinda_viewer, balikpapan_staff, admin, client_as
):
    for user in (samarinda_viewer, balikpapan_staff, admin):
        response = client_as(user).get(reverse("rakornis:detail", args=[meeting.pk]))
        assert response.status_code == 200
        assert meeting.title in response.content.decode()
        assert not response.context["can_manage"]


def test_moving_the_dates_away_from_recorded_attendance_is_refused(provincial_officer, meeting):
    participant = services.participant_save(
        actor=provincial_officer, meeting=meeting, data=participant_data()
    )
    services.attendance_mark(actor=provincial_officer, participant=participant, day=meeting.ends_on)
    with pytest.raises(ValidationError) as refused:
        services.meeting_update(
            actor=provincial_officer,
            meeting=meeting,
            expected_version=meeting.version,
            data={"ends_on": meeting.starts_on},
        )
    assert "outside the new dates" in str(refused.value)
    meeting.refresh_from_db()
    assert meeting.ends_on == meeting.starts_on + timedelta(days=1)
    assert Attendance.objects.count() == 1


def test_shortening_the_meeting_past_a_due_date_is_refused(provincial_officer, meeting):
    make_recommendation(provincial_officer, meeting, due_on=meeting.ends_on + timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        services.meeting_update(
            actor=provincial_officer,
            meeting=meeting,
            expected_version=meeting.version,
            data={"ends_on": meeting.ends_on + timedelta(days=1)},
        )
    assert "would no longer come after the meeting" in str(refused.value)


def test_two_officers_editing_the_same_meeting_do_not_overwrite_each_other(
    provincial_officer, meeting
):
    opened_version = meeting.version
    services.meeting_update(
        actor=provincial_officer,
        meeting=meeting,
        expected_version=opened_version,
        data={"venue": "Hotel Royal Victoria"},
    )
    with pytest.raises(EditConflict):
        services.meeting_update(
            actor=provincial_officer,
            meeting=meeting,
            expected_version=opened_version,
            data={"venue": "Aula Dinsos"},
        )
    meeting.refresh_from_db()
    assert meeting.venue == "Hotel Royal Victoria"


def test_the_edit_page_shows_a_conflict_instead_of_saving(provincial_officer, meeting, login):
    client = login(provincial_officer)
    url = reverse("rakornis:edit", args=[meeting.pk])
    form = client.get(url).context["form"]
    services.meeting_update(
        actor=provincial_officer, meeting=meeting, expected_version=1, data={"venue": "Aula"}
    )
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(venue="Gedung lain", host_regency=KUTAI_TIMUR, version="1")
    data["starts_on"] = meeting.starts_on.isoformat()
    data["ends_on"] = meeting.ends_on.isoformat()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.venue == "Aula"


def add_meetings(officer, how_many: int) -> None:
    for number in range(how_many):
        starts = today() - timedelta(days=400 + 30 * number)
        meeting = make_meeting(officer, title=f"Rakor {number}", starts_on=starts, ends_on=starts)
        make_recommendation(officer, meeting, due_on=starts + timedelta(days=5))
        services.participant_save(actor=officer, meeting=meeting, data=participant_data())


def test_the_meeting_list_costs_the_same_however_many_meetings(
    provincial_officer, login, django_assert_num_queries
):
    client = login(provincial_officer)
    url = reverse("rakornis:list")
    add_meetings(provincial_officer, 2)
    # The page of meetings with their host and five counted subqueries (participants, those
    # present, recommendations, open and overdue follow-ups): one query; the capped count: one.
    expected = SESSION_AND_USER + 2
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert len(response.context["page"].rows) == 2
    add_meetings(provincial_officer, 4)
    with django_assert_num_queries(expected):
        response = client.get(url)
    rows = response.context["page"].rows
    assert len(rows) == 6
    assert all(row.overdue_count == 2 and row.participant_count == 1 for row in rows)


def test_a_regency_user_sees_only_its_own_follow_ups_counted_in_the_list(
    provincial_officer, samarinda_viewer, client_as
):
    add_meetings(provincial_officer, 1)
    rows = client_as(samarinda_viewer).get(reverse("rakornis:list")).context["page"].rows
    assert [row.open_count for row in rows] == [1]
    rows = client_as(provincial_officer).get(reverse("rakornis:list")).context["page"].rows
    assert [row.open_count for row in rows] == [2]


def test_the_host_must_be_a_regency(provincial_officer):
    district = Region.objects.filter(level="district").first()
    with pytest.raises(ValidationError):
        make_meeting(provincial_officer, host_regency=district)


def test_a_closed_meeting_keeps_its_lists_but_its_follow_ups_go_on(
    provincial_officer, samarinda_staff, recommendation, meeting
):
    participant = services.participant_save(
        actor=provincial_officer, meeting=meeting, data=participant_data()
    )
    services.meeting_update(
        actor=provincial_officer,
        meeting=meeting,
        expected_version=meeting.version,
        data={"status": MeetingStatus.CLOSED},
    )
    meeting.refresh_from_db()
    refusals = [
        lambda: services.attendance_mark(
            actor=provincial_officer, participant=participant, day=meeting.starts_on
        ),
        lambda: services.participant_save(
            actor=provincial_officer, meeting=meeting, data=participant_data()
        ),
        lambda: make_recommendation(provincial_officer, meeting),
    ]
    for refused in refusals:
        with pytest.raises(ValidationError, match="This meeting is closed"):
            refused()
    follow_up = recommendation.follow_ups.get(regency=samarinda_staff.regency)
    services.follow_up_update(
        actor=samarinda_staff,
        follow_up=follow_up,
        expected_version=1,
        status="in_progress",
        note="Tetap berjalan",
        happened_on=today(),
    )
    assert Attendance.objects.count() == 0 and meeting.participants.count() == 1


def add_agenda_and_recommendations(officer, meeting, how_many: int) -> None:
    for number in range(how_many):
        make_recommendation(officer, meeting, text=f"Rekomendasi {number}")
        services.session_save(
            actor=officer,
            meeting=meeting,
            data={
                "day": meeting.starts_on,
                "starts_at": time(8 + number),
                "title": f"Sesi {number}",
            },
        )
        services.participant_save(actor=officer, meeting=meeting, data=participant_data())


def test_the_meeting_page_costs_the_same_however_many_recommendations_and_participants(
    provincial_officer, login, meeting, django_assert_num_queries
):
    client = login(provincial_officer)
    url = reverse("rakornis:detail", args=[meeting.pk])
    add_agenda_and_recommendations(provincial_officer, meeting, 1)
    # The meeting with its host; counts by regency and the regencies; counts by institution;
    # present by day; the agenda and its materials (prefetch); the other documents; the
    # sessions again, as choices of the upload form; the recommendations and their follow-ups
    # with their regency (prefetch); the history.
    expected = SESSION_AND_USER + 12
    with django_assert_num_queries(expected):
        client.get(url)
    add_agenda_and_recommendations(provincial_officer, meeting, 3)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert len(response.context["recommendations"]) == 4
