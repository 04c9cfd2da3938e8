"""Recommendations and their follow-ups: each responsible regency reports on its own, and only
on its own. Decision (documented in views.py): a follow-up is a regency record, so another
regency's follow-up is a 404 (its existence is not revealed), while meetings and recommendations
stay visible province-wide; a viewer, or the province, opening a regency's follow-up gets a 403
on writing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from audit.records import EditConflict
from rakornis import services
from rakornis.models import Evidence, FollowUp, FollowUpStatus, FollowUpUpdate, Recommendation
from regions.models import Region
from tests.conftest import BALIKPAPAN, SAMARINDA
from tests.helpers import SESSION_AND_USER
from tests.rakornis.conftest import (
    make_meeting,
    make_recommendation,
    recommendation_data,
    tiny_pdf,
    today,
    upload,
)

pytestmark = pytest.mark.django_db


def update_post(**overrides) -> dict:
    data = {
        "status": "in_progress",
        "happened_on": today().isoformat(),
        "note": "Tim reaksi cepat mengunjungi 4 keluarga.",
        "version": "1",
    }
    data.update(overrides)
    return data


def test_each_responsible_regency_gets_its_own_follow_up(recommendation):
    follow_ups = recommendation.follow_ups.order_by("regency_id")
    assert [f.regency_id for f in follow_ups] == [BALIKPAPAN, SAMARINDA]
    assert all(f.status == FollowUpStatus.NOT_STARTED for f in follow_ups)
    assert all(f.due_on == recommendation.due_on for f in follow_ups)


def test_a_provincial_unit_named_as_responsible_gets_a_follow_up_of_the_province(
    provincial_officer, meeting
):
    recommendation = make_recommendation(
        provincial_officer, meeting, regency_codes=(), provincial_unit="Bidang Linjamsos"
    )
    follow_up = recommendation.follow_ups.get()
    assert follow_up.regency_id is None
    assert follow_up.responsible_name == "Bidang Linjamsos"


def test_samarinda_staff_update_their_follow_up_with_evidence(
    samarinda_staff, samarinda_follow_up, login
):
    client = login(samarinda_staff)
    response = client.post(
        reverse("rakornis:follow-up-update", args=[samarinda_follow_up.pk]),
        {**update_post(), "evidence": [upload("laporan.pdf", tiny_pdf())]},
    )
    assert response.status_code == 302
    samarinda_follow_up.refresh_from_db()
    assert samarinda_follow_up.status == FollowUpStatus.IN_PROGRESS
    assert samarinda_follow_up.started_on == today()
    assert samarinda_follow_up.version == 2
    evidence = Evidence.objects.get()
    assert evidence.original_name == "laporan.pdf"
    assert evidence.update.follow_up == samarinda_follow_up
    assert (
        AuditEvent.objects.for_object(samarinda_follow_up)
        .filter(action=AuditEvent.Action.UPDATE, regency_id=SAMARINDA)
        .exists()
    )
    page = client.get(reverse("rakornis:follow-up", args=[samarinda_follow_up.pk]))
    assert "Tim reaksi cepat" in page.content.decode()
    download = client.get(reverse("rakornis:evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_samarinda_staff_cannot_see_or_touch_balikpapans_follow_up(
    samarinda_staff, balikpapan_follow_up, login
):
    client = login(samarinda_staff)
    assert (
        client.get(reverse("rakornis:follow-up", args=[balikpapan_follow_up.pk])).status_code == 404
    )
    response = client.post(
        reverse("rakornis:follow-up-update", args=[balikpapan_follow_up.pk]), update_post()
    )
    assert response.status_code == 404
    balikpapan_follow_up.refresh_from_db()
    assert balikpapan_follow_up.status == FollowUpStatus.NOT_STARTED
    assert not FollowUpUpdate.objects.exists()


def test_balikpapans_evidence_is_hidden_from_samarinda(
    samarinda_staff, balikpapan_staff, balikpapan_follow_up, client_as
):
    services.follow_up_update(
        actor=balikpapan_staff,
        follow_up=balikpapan_follow_up,
        expected_version=1,
        status="done",
        note="Selesai",
        happened_on=today(),
        uploaded_files=[upload("foto.pdf", tiny_pdf())],
    )
    evidence = Evidence.objects.get()
    assert (
        client_as(samarinda_staff).get(reverse("rakornis:evidence", args=[evidence.pk])).status_code
        == 404
    )
    assert (
        client_as(balikpapan_staff)
        .get(reverse("rakornis:evidence", args=[evidence.pk]))
        .status_code
        == 200
    )


def test_the_service_refuses_another_regencys_follow_up_whatever_the_view(
    samarinda_staff, balikpapan_follow_up
):
    with pytest.raises(PermissionDenied):
        services.follow_up_update(
            actor=samarinda_staff,
            follow_up=balikpapan_follow_up,
            expected_version=None,
            status="done",
            note="x",
            happened_on=today(),
        )
    assert not FollowUpUpdate.objects.exists()


def test_viewers_and_the_province_read_a_regencys_follow_up_but_cannot_update_it(
    samarinda_viewer, provincial_officer, samarinda_follow_up, client_as
):
    for user in (samarinda_viewer, provincial_officer):
        client = client_as(user)
        page = client.get(reverse("rakornis:follow-up", args=[samarinda_follow_up.pk]))
        assert page.status_code == 200
        assert page.context["form"] is None
        response = client.post(
            reverse("rakornis:follow-up-update", args=[samarinda_follow_up.pk]), update_post()
        )
        assert response.status_code == 403
    assert not FollowUpUpdate.objects.exists()


def test_the_province_updates_the_follow_up_of_its_own_unit(provincial_officer, meeting, login):
    recommendation = make_recommendation(
        provincial_officer, meeting, regency_codes=(), provincial_unit="Bidang Rehsos"
    )
    follow_up = recommendation.follow_ups.get()
    response = login(provincial_officer).post(
        reverse("rakornis:follow-up-update", args=[follow_up.pk]), update_post(status="done")
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE and follow_up.completed_on == today()


def test_regency_users_see_only_their_follow_ups_on_the_meeting_page(
    samarinda_viewer, recommendation, client_as
):
    page = client_as(samarinda_viewer).get(
        reverse("rakornis:detail", args=[recommendation.meeting_id])
    )
    (shown,) = page.context["recommendations"]
    assert [f.regency_id for f in shown.visible_follow_ups] == [SAMARINDA]
    assert "Kota Balikpapan" not in page.content.decode().split('id="recommendations"')[1]


def test_an_update_needs_a_note_and_a_date_that_is_neither_future_nor_before_the_meeting(
    samarinda_staff, samarinda_follow_up, meeting
):
    cases = [
        ({"note": "  "}, "note"),
        ({"happened_on": today() + timedelta(days=1)}, "happened_on"),
        ({"happened_on": meeting.starts_on - timedelta(days=1)}, "happened_on"),
    ]
    for change, field in cases:
        arguments = {"note": "Rapat koordinasi", "happened_on": today(), **change}
        with pytest.raises(ValidationError) as refused:
            services.follow_up_update(
                actor=samarinda_staff,
                follow_up=samarinda_follow_up,
                expected_version=1,
                status="in_progress",
                **arguments,
            )
        assert field in refused.value.message_dict
    samarinda_follow_up.refresh_from_db()
    assert samarinda_follow_up.status == FollowUpStatus.NOT_STARTED
    assert not FollowUpUpdate.objects.exists()


def test_an_update_cannot_be_dated_before_the_previous_one(samarinda_staff, samarinda_follow_up):
    services.follow_up_update(
        actor=samarinda_staff,
        follow_up=samarinda_follow_up,
        expected_version=1,
        status="in_progress",
        note="Mulai",
        happened_on=today(),
    )
    with pytest.raises(ValidationError) as refused:
        services.follow_up_update(
            actor=samarinda_staff,
            follow_up=samarinda_follow_up,
            expected_version=2,
            status="done",
            note="Selesai",
            happened_on=today() - timedelta(days=1),
        )
    assert "cannot be dated earlier" in str(refused.value)


def test_a_refused_evidence_file_saves_nothing(samarinda_staff, samarinda_follow_up, login):
    response = login(samarinda_staff).post(
        reverse("rakornis:follow-up-update", args=[samarinda_follow_up.pk]),
        {**update_post(), "evidence": [upload("virus.pdf", b"MZ\x90\x00 not a pdf")]},
    )
    assert response.status_code == 200
    assert "Only PDF, Word" in response.content.decode()
    samarinda_follow_up.refresh_from_db()
    assert samarinda_follow_up.status == FollowUpStatus.NOT_STARTED
    assert not Evidence.objects.exists() and not FollowUpUpdate.objects.exists()


def test_when_one_evidence_file_cannot_be_saved_none_stays_on_disk(
    samarinda_staff, samarinda_follow_up, settings, monkeypatch
):
    saved = []
    original_save = Evidence.save

    def save_once_then_fail(self, *args, **kwargs):
        if saved:
            raise RuntimeError("disk full")
        saved.append(self)
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Evidence, "save", save_once_then_fail)
    with pytest.raises(RuntimeError):
        services.follow_up_update(
            actor=samarinda_staff,
            follow_up=samarinda_follow_up,
            expected_version=1,
            status="in_progress",
            note="Dua laporan",
            happened_on=today(),
            uploaded_files=[upload("satu.pdf", tiny_pdf()), upload("dua.pdf", tiny_pdf())],
        )
    root = settings.MEDIA_ROOT
    assert saved and not [path for path in root.rglob("*") if path.is_file()]


def test_a_stale_form_does_not_overwrite_a_newer_update(samarinda_staff, samarinda_follow_up):
    services.follow_up_update(
        actor=samarinda_staff,
        follow_up=samarinda_follow_up,
        expected_version=1,
        status="done",
        note="Selesai oleh rekan",
        happened_on=today(),
    )
    with pytest.raises(EditConflict):
        services.follow_up_update(
            actor=samarinda_staff,
            follow_up=samarinda_follow_up,
            expected_version=1,
            status="in_progress",
            note="Form lama",
            happened_on=today(),
        )
    samarinda_follow_up.refresh_from_db()
    assert samarinda_follow_up.status == FollowUpStatus.DONE


def test_a_due_date_before_the_meeting_is_refused_and_nothing_is_saved(
    provincial_officer, meeting, login
):
    response = login(provincial_officer).post(
        reverse("rakornis:recommendation-create", args=[meeting.pk]),
        {
            "text": "Pendataan ulang anjal",
            "category": "street_children",
            "due_on": (meeting.starts_on - timedelta(days=1)).isoformat(),
            "regencies": [SAMARINDA],
            "window_before_days": "90",
            "window_after_days": "90",
        },
    )
    assert response.status_code == 200
    assert "The due date must come after the meeting" in response.content.decode()
    assert not Recommendation.objects.exists() and not FollowUp.objects.exists()


def test_a_recommendation_needs_someone_responsible(provincial_officer, meeting):
    with pytest.raises(ValidationError) as refused:
        make_recommendation(provincial_officer, meeting, regency_codes=())
    assert "regencies" in refused.value.message_dict
    assert not Recommendation.objects.exists()


def test_a_regency_that_already_reported_stays_responsible(
    provincial_officer, samarinda_staff, recommendation, samarinda_follow_up
):
    services.follow_up_update(
        actor=samarinda_staff,
        follow_up=samarinda_follow_up,
        expected_version=1,
        status="in_progress",
        note="Mulai",
        happened_on=today(),
    )
    with pytest.raises(ValidationError):
        services.recommendation_update(
            actor=provincial_officer,
            recommendation=recommendation,
            expected_version=1,
            data=recommendation_data(recommendation.meeting),
            regencies=[Region.objects.get(code=BALIKPAPAN)],
        )
    assert recommendation.follow_ups.count() == 2


def test_changing_the_responsible_regencies_adds_and_removes_their_follow_ups(
    provincial_officer, recommendation
):
    services.recommendation_update(
        actor=provincial_officer,
        recommendation=recommendation,
        expected_version=1,
        data=recommendation_data(
            recommendation.meeting, due_on=recommendation.due_on + timedelta(days=30)
        ),
        regencies=list(Region.objects.filter(code__in=[SAMARINDA, "64.74"])),
    )
    follow_ups = recommendation.follow_ups.order_by("regency_id")
    assert [f.regency_id for f in follow_ups] == [SAMARINDA, "64.74"]
    assert {f.due_on for f in follow_ups} == {recommendation.due_on + timedelta(days=30)}


def test_overdue_follow_ups_stand_out_in_the_list(provincial_officer, samarinda_staff, login):
    meeting = make_meeting(
        provincial_officer,
        starts_on=today() - timedelta(days=60),
        ends_on=today() - timedelta(days=59),
    )
    make_recommendation(
        provincial_officer, meeting, regency_codes=(SAMARINDA,), due_on=today() - timedelta(days=3)
    )
    response = login(samarinda_staff).get(reverse("rakornis:follow-ups"))
    html = response.content.decode()
    assert 'class="table-danger"' in html
    assert 'data-testid="overdue"' in html


def add_follow_ups(officer, meeting, how_many: int) -> None:
    for number in range(how_many):
        make_recommendation(
            officer,
            meeting,
            regency_codes=(SAMARINDA, BALIKPAPAN),
            text=f"Rekomendasi {number}",
            due_on=meeting.ends_on + timedelta(days=5 + number),
        )


def test_the_follow_up_list_costs_the_same_however_many_rows(
    provincial_officer, samarinda_staff, meeting, login, django_assert_num_queries
):
    add_follow_ups(provincial_officer, meeting, 2)
    client = login(samarinda_staff)
    url = reverse("rakornis:follow-ups")
    # The page of follow-ups with recommendation, meeting and regency (one join), the capped
    # count, the meetings of the filter's choices.
    expected = SESSION_AND_USER + 3
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert len(response.context["page"].rows) == 2
    add_follow_ups(provincial_officer, meeting, 5)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert len(response.context["page"].rows) == 7
    assert {row.regency_id for row in response.context["page"].rows} == {SAMARINDA}
