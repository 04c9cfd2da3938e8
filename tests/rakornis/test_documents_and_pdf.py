"""Agenda, materials and minutes (stored privately, served through a scoped view), and the two
printable PDFs: the attendance sheet and the meeting summary."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from rakornis import services
from rakornis.models import AgendaSession, DocumentKind, MeetingDocument
from tests.bodies import pdf_text
from tests.conftest import BALIKPAPAN, SAMARINDA
from tests.rakornis.conftest import (
    make_recommendation,
    participant_data,
    tiny_pdf,
    today,
    upload,
)

pytestmark = pytest.mark.django_db


def session_data(meeting, **overrides):
    data = {
        "day": meeting.starts_on,
        "starts_at": time(9, 0),
        "ends_at": time(10, 30),
        "title": "Kebijakan penanganan PMKS menyongsong IKN",
        "speaker": "Kepala Dinas Sosial Provinsi",
        "speaker_institution": "Dinsos Provinsi Kaltim",
    }
    data.update(overrides)
    return data


def test_an_agenda_session_must_fall_on_a_day_of_the_meeting_and_end_after_it_starts(
    provincial_officer, meeting
):
    with pytest.raises(ValidationError) as refused:
        services.session_save(
            actor=provincial_officer,
            meeting=meeting,
            data=session_data(meeting, day=meeting.ends_on + timedelta(days=1)),
        )
    assert "day" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.session_save(
            actor=provincial_officer, meeting=meeting, data=session_data(meeting, ends_at=time(8))
        )
    assert "ends_at" in refused.value.message_dict
    assert not AgendaSession.objects.exists()


def test_a_material_is_kept_privately_and_downloaded_by_readers_only(
    provincial_officer, samarinda_viewer, no_role_user, meeting, client_as, settings
):
    session = services.session_save(
        actor=provincial_officer, meeting=meeting, data=session_data(meeting)
    )
    response = client_as(provincial_officer).post(
        reverse("rakornis:document-upload", args=[meeting.pk]),
        {
            "kind": DocumentKind.MATERIAL,
            "session": session.pk,
            "file": upload("Paparan Kadis.pdf", tiny_pdf("paparan")),
        },
    )
    assert response.status_code == 302
    document = MeetingDocument.objects.get()
    assert document.session == session
    stored = document.file.path
    assert stored.startswith(str(settings.MEDIA_ROOT))
    assert "Paparan" not in stored  # random name on disk
    download = client_as(samarinda_viewer).get(reverse("rakornis:document", args=[document.pk]))
    assert download.status_code == 200
    assert 'filename="Paparan Kadis.pdf"' in download["Content-Disposition"]
    assert download["Content-Security-Policy"].startswith("default-src 'none'")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert (
        client_as(no_role_user).get(reverse("rakornis:document", args=[document.pk])).status_code
        == 403
    )


def test_a_file_that_is_not_a_document_is_refused_whatever_its_name(provincial_officer, meeting):
    for name, content in [
        ("notulen.pdf", b"<html><script>alert(1)</script></html>"),
        ("notulen.docx", b"PK\x03\x04 broken zip"),
        ("notulen.pdf", b""),
    ]:
        with pytest.raises(ValidationError):
            services.document_add(
                actor=provincial_officer,
                meeting=meeting,
                kind=DocumentKind.MINUTES,
                uploaded_file=upload(name, content),
            )
    assert not MeetingDocument.objects.exists()


def test_a_pdf_with_javascript_is_refused_as_for_every_upload(provincial_officer, meeting):
    scripted = tiny_pdf("paparan").replace(
        b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
    )
    assert b"/JavaScript" in scripted
    with pytest.raises(ValidationError, match="scripts, actions"):
        services.document_add(
            actor=provincial_officer,
            meeting=meeting,
            kind=DocumentKind.MINUTES,
            uploaded_file=upload("notulen.pdf", scripted),
        )
    assert not MeetingDocument.objects.exists()


def test_a_word_document_with_macros_is_refused(provincial_officer, meeting):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"macro")
    with pytest.raises(ValidationError, match="macros"):
        services.document_add(
            actor=provincial_officer,
            meeting=meeting,
            kind=DocumentKind.MINUTES,
            uploaded_file=upload("notulen.docm", buffer.getvalue()),
        )
    assert not MeetingDocument.objects.exists()


def test_minutes_uploaded_in_word_are_recognised_by_their_content(provincial_officer, meeting):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    document = services.document_add(
        actor=provincial_officer,
        meeting=meeting,
        kind=DocumentKind.MINUTES,
        uploaded_file=upload("notulen", buffer.getvalue()),
    )
    assert document.content_type.endswith("wordprocessingml.document")
    assert document.file.name.endswith(".docx")


def test_photos_lose_their_location_data_when_uploaded(provincial_officer, meeting):
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x8825] = {2: (1.0, 2.0, 3.0)}  # GPSInfo
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG", exif=exif)
    assert b"Exif" in buffer.getvalue()
    document = services.document_add(
        actor=provincial_officer,
        meeting=meeting,
        kind=DocumentKind.PHOTO,
        uploaded_file=upload("foto.jpg", buffer.getvalue()),
    )
    with document.file.open("rb") as stored:
        assert b"Exif" not in stored.read()


def test_the_attendance_sheet_is_a_pdf_with_the_meeting_and_its_participants(
    provincial_officer, samarinda_viewer, meeting, client_as
):
    participant = services.participant_save(
        actor=provincial_officer, meeting=meeting, data=participant_data(name="Siti Rahmawati")
    )
    services.attendance_mark(
        actor=provincial_officer, participant=participant, day=meeting.starts_on
    )
    response = client_as(samarinda_viewer).get(
        reverse("rakornis:attendance-sheet", args=[meeting.pk]), {"day": meeting.starts_on}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert meeting.title in text
    assert "Siti Rahmawati" in text
    assert "Signature" in text


def test_the_summary_pdf_has_attendance_by_regency_and_every_follow_up(
    provincial_officer, samarinda_staff, meeting, client_as
):
    recommendation = make_recommendation(provincial_officer, meeting, text="Bebaskan korban pasung")
    services.follow_up_update(
        actor=samarinda_staff,
        follow_up=recommendation.follow_ups.get(regency_id=SAMARINDA),
        expected_version=1,
        status="in_progress",
        note="Dua orang sudah dibebaskan",
        happened_on=today(),
    )
    response = client_as(provincial_officer).get(reverse("rakornis:summary-pdf", args=[meeting.pk]))
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert meeting.title in text
    assert "Attendance by regency/city" in text
    assert "Kabupaten Mahakam Ulu" in text
    assert "Bebaskan korban pasung" in text
    assert "Dua orang sudah dibebaskan" in text
    assert "Kota Balikpapan" in text and "Not started" in text


def test_a_regencys_summary_pdf_shows_its_own_follow_ups_only(
    provincial_officer, samarinda_viewer, meeting, client_as
):
    make_recommendation(
        provincial_officer, meeting, regency_codes=(BALIKPAPAN,), text="Khusus Balikpapan"
    )
    make_recommendation(
        provincial_officer, meeting, regency_codes=(SAMARINDA,), text="Khusus Samarinda"
    )
    text = pdf_text(
        client_as(samarinda_viewer).get(reverse("rakornis:summary-pdf", args=[meeting.pk])).content
    )
    follow_up_part = text.split("Recommendations and their follow-up")[1]
    assert "Khusus Samarinda" in follow_up_part
    assert "No follow-up visible to you." in follow_up_part
    assert "Kota Balikpapan" not in follow_up_part
