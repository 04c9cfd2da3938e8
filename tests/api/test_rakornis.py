"""Rakornis follow-ups: read in scope; the responsible regency updates its own."""

import datetime as dt

import pytest

from rakornis.models import FollowUp, FollowUpStatus, Meeting, Recommendation

pytestmark = pytest.mark.django_db


@pytest.fixture
def recommendation(kaltim):
    meeting = Meeting.objects.create(
        title="Rakornis 2026",
        year=2026,
        venue="Sangatta",
        organiser="Rehsos",
        starts_on=dt.date(2026, 10, 14),
        ends_on=dt.date(2026, 10, 15),
        status="held",
    )
    made = Recommendation.objects.create(
        meeting=meeting,
        number=1,
        text="Data pasung diverifikasi",
        category="pasung",
        due_on=dt.date(2026, 12, 31),
    )
    for code in ("64.71", "64.72"):
        made.follow_ups.create(regency_id=code, due_on=dt.date(2026, 12, 31))
    return made


def test_samarinda_reads_and_updates_its_own_follow_up_only(samarinda_app, recommendation):
    listed = samarinda_app.get("/api/v1/follow-ups/")
    assert listed.status_code == 200
    ours = recommendation.follow_ups.get(regency_id="64.72")
    theirs = recommendation.follow_ups.get(regency_id="64.71")
    assert [f["id"] for f in listed.json()["results"]] == [ours.pk]

    body = {
        "status": FollowUpStatus.IN_PROGRESS,
        "happened_on": "2026-11-10",
        "note": "Verifikasi 40 orang",
        "version": ours.version,
    }
    updated = samarinda_app.post(f"/api/v1/follow-ups/{ours.pk}/updates/", body)
    assert updated.status_code == 200, updated.content
    assert updated.json()["status"] == FollowUpStatus.IN_PROGRESS
    assert updated.json()["started_on"] == "2026-11-10"

    stale = samarinda_app.post(f"/api/v1/follow-ups/{ours.pk}/updates/", body)
    assert stale.status_code == 409
    assert samarinda_app.get(f"/api/v1/follow-ups/{theirs.pk}/").status_code == 404
    assert samarinda_app.post(f"/api/v1/follow-ups/{theirs.pk}/updates/", body).status_code == 404
    assert FollowUp.objects.get(pk=theirs.pk).status == FollowUpStatus.NOT_STARTED


def test_a_read_only_client_may_not_update(samarinda_reader, recommendation):
    ours = recommendation.follow_ups.get(regency_id="64.72")
    response = samarinda_reader.post(
        f"/api/v1/follow-ups/{ours.pk}/updates/",
        {"status": "done", "happened_on": "2026-11-10", "note": "Selesai"},
    )
    assert response.status_code == 403
    assert samarinda_reader.get(f"/api/v1/follow-ups/{ours.pk}/").status_code == 200
