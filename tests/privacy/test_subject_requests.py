"""Subject access: a person's complete file, the request logged, its clock, corrections."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from cases import services
from cases.models import Attachment, Category
from privacy import dossier, subjects
from privacy.models import Referral, SubjectCorrection, SubjectExport, SubjectRequest
from tests.reports.conftest import pdf_strings, register

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=WITA)


@pytest.fixture
def rudi(samarinda_staff, samarinda_viewer):
    with time_machine.travel(NOW, tick=False):
        case = register(samarinda_staff, name="Rudi Hartono", nik="6472051705120003")
        photo = Attachment(
            case=case, original_name="foto-rudi.jpg", content_type="image/jpeg", size=3
        )
        photo.file.save("x.jpg", ContentFile(b"abc"), save=False)
        photo.save()
        Referral.objects.create(
            case=case,
            agency="RSJD Atma Husada",
            shared="nama, NIK, diagnosis",
            purpose="perawatan",
            shared_on=NOW.date(),
            by=samarinda_staff,
        )
        # The viewer read his page: the file says who read it.
        services.record_view(actor=samarinda_viewer, obj=case.person, regency_id="64.72")
    return case.person


@pytest.fixture
def logged(rudi, samarinda_staff):
    with time_machine.travel(NOW, tick=False):
        return subjects.subject_request_create(
            actor=samarinda_staff,
            person=rudi,
            kind="access",
            requested_at=NOW - timedelta(hours=2),
            notes="Datang ke kantor",
        )


def test_the_file_holds_everything_and_who_read_it(rudi, logged, samarinda_staff, samarinda_viewer):
    content, content_type = subjects.subject_export(
        actor=samarinda_staff, request=logged, fmt="json"
    )
    data = json.loads(content)
    assert content_type == "application/json"
    assert data["person"]["name"] == "Rudi Hartono"
    assert data["person"]["nik"] == "6472051705120003"  # the subject sees his own NIK in full
    [case] = data["cases"]
    assert case["category__code"] == "AJ"
    assert case["attachments"][0]["name"] == "foto-rudi.jpg"
    assert case["referrals"][0]["agency"] == "RSJD Atma Husada"
    assert any(e["action"] == "view" for e in data["history"])
    assert any(f"({samarinda_viewer.get_username()})" in who for who in data["read_by"])
    assert data["requests"][0]["kind"] == "access"
    assert data["dtsen_links"] == []
    # Logged: who produced it, how long it took; and in the person's own history.
    export = SubjectExport.objects.get(request=logged)
    assert export.by == samarinda_staff and export.format == "json" and export.seconds >= 0
    assert AuditEvent.objects.filter(
        action="export", target_type="cases.person", target_id=str(rudi.pk)
    ).exists()


def test_the_pdf_says_the_same(rudi, logged, samarinda_staff):
    content, content_type = subjects.subject_export(
        actor=samarinda_staff, request=logged, fmt="pdf"
    )
    assert content_type == "application/pdf"
    text = " ".join(pdf_strings(content))
    assert "Rudi Hartono" in text and "foto-rudi.jpg" in text and "RSJD Atma Husada" in text


def test_gathering_the_file_takes_the_same_queries_however_many_cases(rudi, samarinda_staff):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            dossier.collect(rudi)
        return len(captured)

    few = queries()
    with time_machine.travel(NOW, tick=False):
        for code in ("GLD", "PGM", "PML"):
            services.case_create(
                actor=samarinda_staff,
                person=rudi,
                regency=rudi.regency,
                is_pasung=False,
                data={
                    "category": Category.objects.get(code=code),
                    "found_on": NOW.date(),
                    "source": "outreach",
                },
            )
    assert queries() == few


def test_staff_of_another_regency_never_see_the_request(
    client, login, logged, balikpapan_staff, samarinda_viewer, admin
):
    url = reverse("pdp:request", args=[logged.pk])
    assert login(balikpapan_staff).get(url).status_code == 404
    assert login(samarinda_viewer).get(url).status_code == 403
    assert login(admin).get(url).status_code == 200


def test_the_clock_runs_until_the_request_is_answered(login, logged, samarinda_staff):
    client = login(samarinda_staff)
    url = reverse("pdp:request", args=[logged.pk])
    with time_machine.travel(NOW, tick=False):
        page = client.get(url).content.decode()
        assert 'data-state="running"' in page and "70 h 0 min left" in page
    with time_machine.travel(NOW + timedelta(hours=71), tick=False):
        assert 'data-state="overdue"' in client.get(url).content.decode()
        client.post(reverse("pdp:request-answer", args=[logged.pk]))
        assert 'data-state="done"' in client.get(url).content.decode()
    logged.refresh_from_db()
    assert logged.answered_by == samarinda_staff


def test_downloads_are_posted_and_logged(login, logged, samarinda_staff):
    client = login(samarinda_staff)
    assert client.get(reverse("pdp:request-pdf", args=[logged.pk])).status_code == 405
    response = client.post(reverse("pdp:request-pdf", args=[logged.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    assert SubjectExport.objects.filter(request=logged, format="pdf").count() == 1


def test_a_correction_is_recorded_against_the_field_it_changed(
    login, rudi, logged, samarinda_staff
):
    client = login(samarinda_staff)
    client.post(
        reverse("pdp:request-correct", args=[logged.pk]),
        {"field": "birth_place", "value": "Tenggarong"},
    )
    correction = SubjectCorrection.objects.get(request=logged)
    assert (correction.field, correction.old_value, correction.new_value) == (
        "birth_place",
        "",
        "Tenggarong",
    )
    rudi.refresh_from_db()
    assert rudi.birth_place == "Tenggarong"
    event = AuditEvent.objects.for_object(rudi).filter(action="update").latest("at")
    assert event.changes == {"birth_place": ["", "Tenggarong"]}
    assert f"#{logged.pk}" in event.reason


def test_a_request_is_logged_with_who_took_it(login, rudi, samarinda_staff, balikpapan_staff):
    url = reverse("pdp:request-create", args=[rudi.pk])
    assert login(balikpapan_staff).get(url).status_code == 404
    client = login(samarinda_staff)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            url, {"kind": "access", "requested_at": "2026-11-20T08:00", "notes": "lewat telepon"}
        )
    created = SubjectRequest.objects.get()
    assert response.status_code == 302
    assert created.received_by == samarinda_staff and created.regency_id == "64.72"
    assert created.deadline == datetime(2026, 11, 23, 8, 0, tzinfo=WITA)


def test_the_list_leads_to_logging_a_request_for_a_person(login, rudi, samarinda_staff):
    response = login(samarinda_staff).get(reverse("pdp:requests"), {"orang": str(rudi.pk)})
    assert response["Location"] == reverse("pdp:request-create", args=[rudi.pk])
