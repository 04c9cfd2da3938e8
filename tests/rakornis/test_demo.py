"""The demo Rakornis: the 2024 meeting hosted by Kutai Timur, seeded once, quickly."""

import pytest

from rakornis import demo
from rakornis.indicators import follow_up_counts
from rakornis.models import Attendance, FollowUp, Meeting, Participant

pytestmark = pytest.mark.django_db


def test_the_demo_meeting_has_about_140_participants_from_all_regencies_and_is_made_once(
    provincial_officer, samarinda_staff, django_assert_max_num_queries
):
    # Quick because it writes in bulk: 55 queries for about 140 participants and their days.
    with django_assert_max_num_queries(60):
        meeting, created = demo.ensure_demo_meeting()
    assert created and meeting.host_regency_id == demo.KUTAI_TIMUR
    assert meeting.starts_on.isoformat() == "2024-05-15" and len(meeting.days) == 3
    participants = Participant.objects.filter(meeting=meeting)
    assert 130 <= participants.count() <= 150
    assert participants.exclude(regency=None).values("regency").distinct().count() == 10
    assert (
        Attendance.objects.filter(participant__meeting=meeting).values("day").distinct().count()
        == 3
    )
    assert FollowUp.objects.filter(recommendation__meeting=meeting).count() == 10 + 3 + 11 + 4 + 2
    counts = follow_up_counts(None, meeting.ends_on.replace(year=2026))
    assert counts["done"] == 6 and counts["overdue"] > 0

    again, created_again = demo.ensure_demo_meeting()
    assert again == meeting and not created_again
    assert Meeting.objects.count() == 1 and Participant.objects.count() == participants.count()
