"""Case attachments: checked by content, stripped of metadata, stored privately, served in scope.

Every picture is made in memory with Pillow; each test first proves that what it uploads really
carries what must be removed or refused, so that it fails if the portal lets it through.
"""

import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from audit.models import AuditEvent
from cases import attachments
from cases.models import Attachment
from pmks_portal.private_files.content import check_pdf
from pmks_portal.private_files.images import strip_image
from pmks_portal.private_files.kinds import JPEG
from pmks_portal.private_files.names import safe_name

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112
SECRET = "Rudi-di-bawah-jembatan-Mahakam"

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path) -> Path:
    """Each test stores its files in a directory of its own."""
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def photo_with_gps() -> bytes:
    """A landscape JPEG, red on the left and blue on the right, taken 'rotated': the EXIF
    orientation 6 says it must be turned 90° clockwise. With a GPS position, XMP and a comment."""
    image = Image.new("RGB", (40, 20), "red")
    image.paste((0, 0, 255), (20, 0, 40, 20))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "KameraMerek"
    exif[GPS_IFD] = {1: "S", 2: (0.0, 30.0, 12.5), 3: "E", 4: (117.0, 9.0, 0.0)}
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        exif=exif,
        comment=SECRET.encode(),
        xmp=f"<x:xmpmeta>{SECRET}</x:xmpmeta>".encode(),
        quality=95,
    )
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", SECRET)
    info.add_itxt("Description", SECRET, lang="id")
    image = Image.new("RGBA", (8, 8), (10, 200, 30, 128))
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def upload_file(name: str, content: bytes, content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def post_upload(client, case, name, content, content_type="image/jpeg", description=""):
    return client.post(
        reverse("cases:attachment-upload", args=[case.pk]),
        {"file": upload_file(name, content, content_type), "description": description},
        follow=True,
    )


def messages_of(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def stored_image(attachment) -> Image.Image:
    with attachment.file.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


@pytest.fixture
def samarinda_photo(samarinda_staff, samarinda_case):
    return attachments.attachment_add(
        actor=samarinda_staff,
        case=samarinda_case,
        uploaded_file=upload_file("rudi.jpg", photo_with_gps()),
        description="Foto saat ditemukan",
    )


@pytest.fixture
def samarinda_pdf(samarinda_staff, samarinda_case):
    return attachments.attachment_add(
        actor=samarinda_staff,
        case=samarinda_case,
        uploaded_file=upload_file("surat rujukan.pdf", MINIMAL_PDF, "application/pdf"),
    )


# ---------------------------------------------------------------------------------------------
# Metadata is removed, orientation applied.


def test_an_uploaded_photo_loses_its_exif_gps_xmp_and_comment(
    login, samarinda_staff, samarinda_case
):
    original = photo_with_gps()
    source = Image.open(io.BytesIO(original))
    assert source.getexif().get_ifd(GPS_IFD), "the test photo must carry a GPS position"
    assert SECRET.encode() in original

    response = post_upload(login(samarinda_staff), samarinda_case, "rudi.jpg", original)

    assert "File attached." in messages_of(response)
    attachment = samarinda_case.attachments.get()
    stored = stored_image(attachment)
    assert stored.format == "JPEG"
    assert len(stored.getexif()) == 0
    assert not stored.getexif().get_ifd(GPS_IFD)
    assert not {"exif", "xmp", "comment", "icc_profile"} & set(stored.info)
    raw = attachment.file.open("rb").read()
    assert b"Exif" not in raw and SECRET.encode() not in raw and b"xmpmeta" not in raw
    assert attachment.content_type == "image/jpeg" and attachment.size == len(raw)


def test_an_uploaded_photo_is_turned_upright_by_its_exif_orientation(
    samarinda_staff, samarinda_photo
):
    stored = stored_image(samarinda_photo).convert("RGB")
    # 40×20 turned a quarter clockwise: 20 wide, 40 high, the red left half now on top.
    assert stored.size == (20, 40)
    red, _, blue = stored.getpixel((10, 5))
    assert red > 200 and blue < 60
    red, _, blue = stored.getpixel((10, 35))
    assert blue > 200 and red < 60


def test_png_text_chunks_are_removed_and_transparency_kept(samarinda_staff, samarinda_case):
    original = png_with_text()
    assert Image.open(io.BytesIO(original)).text, "the test PNG must carry text chunks"

    attachment = attachments.attachment_add(
        actor=samarinda_staff,
        case=samarinda_case,
        uploaded_file=upload_file("kartu.png", original, "image/png"),
    )

    stored = stored_image(attachment)
    assert stored.format == "PNG" and stored.text == {}
    assert SECRET.encode() not in attachment.file.open("rb").read()
    assert stored.mode == "RGBA" and stored.getpixel((3, 3)) == (10, 200, 30, 128)


def test_a_naive_re_save_would_keep_the_comment_so_the_check_above_means_something():
    # Why the portal rebuilds the image from its pixels: Pillow writes a JPEG's comment again.
    reopened = Image.open(io.BytesIO(photo_with_gps()))
    out = io.BytesIO()
    reopened.save(out, "JPEG")
    assert SECRET.encode() in out.getvalue()
    assert SECRET.encode() not in strip_image(photo_with_gps(), JPEG)


# ---------------------------------------------------------------------------------------------
# Storage.


def test_the_file_is_stored_privately_under_a_random_name(
    client_as, samarinda_staff, samarinda_photo, private_media
):
    path = Path(samarinda_photo.file.path)
    assert path.is_relative_to(private_media)
    assert "rudi" not in samarinda_photo.file.name.lower()
    assert path.name.endswith(".jpg") and len(path.stem) == 32
    assert samarinda_photo.original_name == "rudi.jpg"
    # No URL serves the storage directly, even to the staff who uploaded the file.
    client = client_as(samarinda_staff)
    for url in (samarinda_photo.file.url, f"/media/{samarinda_photo.file.name}"):
        assert client.get(url).status_code == 404


def test_a_file_named_with_a_path_keeps_only_its_last_part():
    def case_file_name(name: str) -> str:
        return safe_name(name, fallback=attachments.CASE_FILES.fallback_name)

    assert case_file_name("..\\..\\windows\\foto.jpg") == "foto.jpg"
    assert case_file_name("../etc/passwd") == "passwd"
    assert case_file_name('a"\r\nX-Injected: 1.pdf') == 'a"X-Injected: 1.pdf'
    assert case_file_name("") == "lampiran"
    long = "x" * 300 + ".pdf"
    assert len(case_file_name(long)) == 200 and case_file_name(long).endswith(".pdf")


# ---------------------------------------------------------------------------------------------
# Refused files.

WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
HTML_PAGE = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
SVG_IMAGE = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
GIF_IMAGE = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


def word_document() -> bytes:
    """A valid Word document: accepted for meetings, not as a case's photo or PDF."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


# JPEG's magic bytes, then an HTML page: passes a first-bytes check, but is no picture.
POLYGLOT = b"\xff\xd8\xff\xe0" + HTML_PAGE


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("foto.jpg", WINDOWS_PROGRAM, "image/jpeg", "Only photos (JPEG, PNG or WebP)"),
        ("setup.exe", WINDOWS_PROGRAM, "application/octet-stream", "Only photos"),
        ("foto.jpg", HTML_PAGE, "image/jpeg", "Only photos"),
        ("gambar.svg", SVG_IMAGE, "image/svg+xml", "Only photos"),
        ("gambar.png", SVG_IMAGE, "image/png", "Only photos"),
        ("animasi.gif", GIF_IMAGE, "image/gif", "Only photos"),
        ("surat.docx", word_document(), "application/octet-stream", "Only photos"),
        ("foto.jpg", POLYGLOT, "image/jpeg", "could not be read"),
        ("surat.pdf", MINIMAL_PDF[:40], "application/pdf", "could not be read"),
    ],
    ids=[
        "exe-as-jpg",
        "exe",
        "html-as-jpg",
        "svg",
        "svg-as-png",
        "gif",
        "word",
        "polyglot",
        "cut-pdf",
    ],
)
def test_files_that_are_not_a_photo_or_pdf_are_refused(
    login, samarinda_staff, samarinda_case, private_media, name, content, content_type, message
):
    response = post_upload(login(samarinda_staff), samarinda_case, name, content, content_type)

    assert message in messages_of(response)
    assert not Attachment.objects.exists()
    assert stored_files(private_media) == []
    assert not AuditEvent.objects.filter(changes__has_key="attachment").exists()


def test_a_pdf_with_javascript_is_refused(samarinda_staff, samarinda_case):
    scripted = MINIMAL_PDF.replace(
        b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>"
    )
    with pytest.raises(ValidationError, match="scripts, actions"):
        attachments.attachment_add(
            actor=samarinda_staff,
            case=samarinda_case,
            uploaded_file=upload_file("surat.pdf", scripted, "application/pdf"),
        )


def test_a_scan_whose_image_data_happens_to_hold_slash_js_is_accepted():
    # Three bytes like these turn up by chance in megabytes of compressed image data.
    scan = MINIMAL_PDF.replace(
        b"trailer", b"3 0 obj<</Length 6>>stream\n\x00/JS \x9f\nendstream\ntrailer"
    )
    check_pdf(scan)


def test_a_pdf_is_stored_as_it_is(samarinda_pdf):
    assert samarinda_pdf.content_type == "application/pdf"
    assert samarinda_pdf.file.open("rb").read() == MINIMAL_PDF


def test_the_size_limit_is_five_megabytes_by_default(settings):
    assert settings.PMKS_ATTACHMENT_MAX_BYTES == 5 * 1024 * 1024


def test_a_file_over_the_size_limit_is_refused(
    login, samarinda_staff, samarinda_case, private_media, settings
):
    limit = settings.PMKS_ATTACHMENT_MAX_BYTES
    # A valid PDF, made one byte too long by a comment line.
    comment = b"%" + b"0" * (limit - len(MINIMAL_PDF) - 1) + b"\n"
    too_big = MINIMAL_PDF.replace(b"trailer", comment + b"trailer")
    assert len(too_big) == limit + 1

    response = post_upload(
        login(samarinda_staff), samarinda_case, "besar.pdf", too_big, "application/pdf"
    )

    assert "The file is larger than 5" in messages_of(response)
    assert not Attachment.objects.exists() and stored_files(private_media) == []


def test_a_file_at_the_size_limit_is_accepted(samarinda_staff, samarinda_case, settings):
    settings.PMKS_ATTACHMENT_MAX_BYTES = len(MINIMAL_PDF)
    attachment = attachments.attachment_add(
        actor=samarinda_staff,
        case=samarinda_case,
        uploaded_file=upload_file("pas.pdf", MINIMAL_PDF, "application/pdf"),
    )
    assert attachment.size == len(MINIMAL_PDF)


def test_a_decompression_bomb_is_refused(samarinda_staff, samarinda_case, monkeypatch):
    # Pillow refuses images over twice MAX_IMAGE_PIXELS before decoding them.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    image = Image.new("L", (100, 100))
    out = io.BytesIO()
    image.save(out, "PNG")
    with pytest.raises(ValidationError, match="too large"):
        attachments.attachment_add(
            actor=samarinda_staff,
            case=samarinda_case,
            uploaded_file=upload_file("bom.png", out.getvalue(), "image/png"),
        )


def test_a_picture_over_the_portals_pixel_limit_is_refused(samarinda_staff, samarinda_case):
    # 8,000 × 6,000 pixels: 48 megapixels, yet a few kilobytes as a one-colour PNG.
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")
    assert len(out.getvalue()) < 100_000
    with pytest.raises(ValidationError, match="too large"):
        attachments.attachment_add(
            actor=samarinda_staff,
            case=samarinda_case,
            uploaded_file=upload_file("besar.png", out.getvalue(), "image/png"),
        )


# ---------------------------------------------------------------------------------------------
# Scope and rights.


def test_another_regency_gets_404_on_a_samarinda_attachment(
    client_as, balikpapan_staff, samarinda_photo
):
    client = client_as(balikpapan_staff)
    download = client.get(reverse("cases:attachment-download", args=[samarinda_photo.pk]))
    delete = client.post(reverse("cases:attachment-delete", args=[samarinda_photo.pk]))
    assert download.status_code == 404 and delete.status_code == 404
    assert Attachment.objects.filter(pk=samarinda_photo.pk).exists()
    assert not AuditEvent.objects.filter(
        actor=balikpapan_staff, action__in=["view", "delete"]
    ).exists()


def test_another_regency_gets_404_on_uploading_to_a_samarinda_case(
    client_as, balikpapan_staff, samarinda_case, private_media
):
    response = client_as(balikpapan_staff).post(
        reverse("cases:attachment-upload", args=[samarinda_case.pk]),
        {"file": upload_file("foto.jpg", photo_with_gps())},
    )
    assert response.status_code == 404
    assert not Attachment.objects.exists() and stored_files(private_media) == []


def test_a_viewer_can_download_but_not_upload_or_remove(
    client_as, samarinda_viewer, samarinda_case, samarinda_photo
):
    client = client_as(samarinda_viewer)
    download = client.get(reverse("cases:attachment-download", args=[samarinda_photo.pk]))
    upload = client.post(
        reverse("cases:attachment-upload", args=[samarinda_case.pk]),
        {"file": upload_file("foto.jpg", photo_with_gps())},
    )
    delete = client.post(reverse("cases:attachment-delete", args=[samarinda_photo.pk]))
    assert download.status_code == 200
    assert upload.status_code == 403 and delete.status_code == 403
    assert list(samarinda_case.attachments.all()) == [samarinda_photo]


def test_the_province_can_download_every_regencys_attachment(
    client_as, provincial_officer, samarinda_photo
):
    response = client_as(provincial_officer).get(
        reverse("cases:attachment-download", args=[samarinda_photo.pk])
    )
    assert response.status_code == 200


def test_the_upload_service_refuses_a_user_who_may_not_write(samarinda_viewer, samarinda_case):
    with pytest.raises(PermissionDenied):
        attachments.attachment_add(
            actor=samarinda_viewer,
            case=samarinda_case,
            uploaded_file=upload_file("foto.jpg", photo_with_gps()),
        )
    assert not Attachment.objects.exists()


# ---------------------------------------------------------------------------------------------
# Download.


def test_every_download_is_logged_on_the_case(client_as, samarinda_viewer, samarinda_photo):
    client_as(samarinda_viewer).get(reverse("cases:attachment-download", args=[samarinda_photo.pk]))
    event = AuditEvent.objects.for_object(samarinda_photo.case).get(actor=samarinda_viewer)
    assert event.action == AuditEvent.Action.VIEW
    assert event.changes == {"attachment": samarinda_photo.pk}
    assert event.regency_id == "64.72"


def test_a_photo_is_served_inline_with_its_type_and_nosniff(
    client_as, samarinda_viewer, samarinda_photo
):
    response = client_as(samarinda_viewer).get(
        reverse("cases:attachment-download", args=[samarinda_photo.pk])
    )
    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Content-Disposition"] == 'inline; filename="rudi.jpg"'
    assert "no-store" in response["Cache-Control"]
    assert body == samarinda_photo.file.open("rb").read()


def test_a_pdf_is_served_as_a_download_named_safely(
    client_as, samarinda_viewer, samarinda_staff, samarinda_case
):
    attachment = attachments.attachment_add(
        actor=samarinda_staff,
        case=samarinda_case,
        uploaded_file=upload_file('sur"at\r\n.exe', MINIMAL_PDF, "application/pdf"),
    )
    response = client_as(samarinda_viewer).get(
        reverse("cases:attachment-download", args=[attachment.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    # Named by what it is, not by what it was called: never offered as a program.
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.pdf"')
    assert (
        "\r" not in response["Content-Disposition"]
        and ".exe" not in response["Content-Disposition"]
    )


def test_a_missing_file_is_a_404_and_is_not_logged(client_as, samarinda_viewer, samarinda_photo):
    Path(samarinda_photo.file.path).unlink()
    response = client_as(samarinda_viewer).get(
        reverse("cases:attachment-download", args=[samarinda_photo.pk])
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(actor=samarinda_viewer, action="view").exists()


def test_downloads_answer_only_get(client_as, samarinda_viewer, samarinda_photo):
    response = client_as(samarinda_viewer).post(
        reverse("cases:attachment-download", args=[samarinda_photo.pk])
    )
    assert response.status_code == 405


# ---------------------------------------------------------------------------------------------
# Removal and the case page.


def test_staff_remove_an_attachment_and_the_file_goes_after_commit(
    client_as, samarinda_staff, samarinda_photo, django_capture_on_commit_callbacks
):
    path = Path(samarinda_photo.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(samarinda_staff).post(
            reverse("cases:attachment-delete", args=[samarinda_photo.pk])
        )
    assert response.status_code == 302
    assert not Attachment.objects.exists() and not path.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE)
    assert event.changes == {"attachment": [f"#{samarinda_photo.pk} rudi.jpg", None]}


def test_the_upload_is_recorded_in_the_cases_history(samarinda_photo):
    event = AuditEvent.objects.for_object(samarinda_photo.case).get(
        action=AuditEvent.Action.CREATE, changes__has_key="attachment"
    )
    assert event.changes == {"attachment": [None, f"#{samarinda_photo.pk} rudi.jpg"]}


def test_the_case_page_lists_attachments_and_offers_the_upload_form_to_writers(
    client_as, samarinda_staff, samarinda_viewer, samarinda_photo
):
    url = reverse("cases:detail", args=[samarinda_photo.case_id])
    download = reverse("cases:attachment-download", args=[samarinda_photo.pk])
    upload = reverse("cases:attachment-upload", args=[samarinda_photo.case_id])

    as_staff = client_as(samarinda_staff).get(url).content.decode()
    as_viewer = client_as(samarinda_viewer).get(url).content.decode()

    for page in (as_staff, as_viewer):
        assert download in page and "rudi.jpg" in page and "Foto saat ditemukan" in page
    assert upload in as_staff and 'enctype="multipart/form-data"' in as_staff
    assert upload not in as_viewer and "multipart/form-data" not in as_viewer
    assert "style=" not in as_staff and "<script>" not in as_staff
