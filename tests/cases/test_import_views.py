"""The import pages: upload, preview, commit, downloads, and who may open them."""

import csv
import io
import re
import types

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import NoReverseMatch, URLResolver, include, path, reverse

from audit.models import AuditEvent
from cases import import_urls
from cases.models import Case, ImportBatch
from pmks_portal.celery import app as celery_app
from tests.cases.test_import import (
    csv_bytes,
    nik,
    private_media,  # noqa: F401 - an autouse fixture, used here too
    row,
    upload,
)

pytestmark = pytest.mark.django_db


def import_urlconf():
    """The project's URLs, with the import mounted at kasus/impor/ unless it is already."""
    from pmks_portal import urls as project

    try:
        reverse("cases:import-upload", urlconf=project)
        return project
    except NoReverseMatch:
        pass
    from cases import urls as case_urls

    module = types.ModuleType("import_test_urls")
    module.urlpatterns = [
        path(
            str(entry.pattern),
            include(
                (
                    [path("impor/", include(import_urls.urlpatterns)), *case_urls.urlpatterns],
                    "cases",
                )
            ),
        )
        if isinstance(entry, URLResolver) and entry.namespace == "cases"
        else entry
        for entry in project.urlpatterns
    ]
    return module


@pytest.fixture(autouse=True)
def import_urls_mounted():
    with override_settings(ROOT_URLCONF=import_urlconf()):
        yield


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in the request, as in the demo, even where the suite has a broker."""
    conf = celery_app.conf
    before = {key: conf.get(key) for key in ("task_always_eager", "task_eager_propagates")}
    conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    conf.update(before)


def post_file(client, data: bytes, name: str, capture):
    """Uploads through the page; the check task queued on commit runs (eagerly) right away."""
    with capture(execute=True):
        return client.post(
            reverse("cases:import-upload"),
            {"file": SimpleUploadedFile(name, data)},
            HTTP_ACCEPT_LANGUAGE="en",
        )


def test_staff_upload_see_the_preview_and_save_the_valid_rows(
    login, samarinda_staff, django_capture_on_commit_callbacks
):
    client = login(samarinda_staff)
    assert client.get(reverse("cases:import-upload")).status_code == 200
    data = csv_bytes([row(nik=nik(17, 5, 2012, 51)), row(nama="Salah", kategori="XYZ"), row()])
    response = post_file(client, data, "pmks.csv", django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:import-detail", args=[batch.pk])
    assert batch.status == ImportBatch.Status.CHECKED and batch.regency_id == "64.72"

    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "XYZ is not a known category" in html and "6472********0051" in html
    assert reverse("cases:import-errors", args=[batch.pk]) in html
    assert 'data-testid="import-commit-form"' in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:import-commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert response.status_code == 302 and batch.status == ImportBatch.Status.COMMITTED
    assert Case.objects.count() == 2
    assert (
        "2 cases were saved"
        in client.get(
            reverse("cases:import-detail", args=[batch.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    )


def test_the_commit_task_is_queued_only_once_the_request_is_committed(
    login, samarinda_staff, django_capture_on_commit_callbacks
):
    client = login(samarinda_staff)
    batch = upload(samarinda_staff, csv_bytes([row()]))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("cases:import-commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTING and len(callbacks) == 1
    assert Case.objects.count() == 0
    callbacks[0]()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and Case.objects.count() == 1


def test_warnings_must_be_ticked_before_saving(
    login, samarinda_staff, django_capture_on_commit_callbacks
):
    client = login(samarinda_staff)
    batch = upload(
        samarinda_staff, csv_bytes([row(nik=nik(17, 5, 2012, 52), tanggal_lahir="2012-05-18")])
    )
    html = client.get(reverse("cases:import-detail", args=[batch.pk])).content.decode()
    assert 'name="warnings_confirmed"' in html
    client.post(reverse("cases:import-commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:import-commit", args=[batch.pk]), {"warnings_confirmed": "on"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED


def test_a_file_that_is_no_spreadsheet_is_refused_on_the_form(
    login, samarinda_staff, django_capture_on_commit_callbacks
):
    client = login(samarinda_staff)
    response = post_file(
        client, b"%PDF-1.7\x00\x00\x01", "kasus.csv", django_capture_on_commit_callbacks
    )
    assert response.status_code == 200 and not ImportBatch.objects.exists()
    assert "neither CSV text nor an Excel workbook" in response.content.decode()


def test_the_rejected_rows_download_as_csv_and_xlsx_and_each_download_is_logged(
    login, samarinda_staff
):
    client = login(samarinda_staff)
    batch = upload(samarinda_staff, csv_bytes([row(), row(nama="Salah", kategori="XYZ")]))
    response = client.get(reverse("cases:import-errors", args=[batch.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="ditolak-' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][-2:] == ["baris_asal", "alasan"] and lines[1][-2] == "3"
    response = client.get(reverse("cases:import-errors-xlsx", args=[batch.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook["data"]["B2"].value == "Salah"
    exports = AuditEvent.objects.filter(action="export", target_id=str(batch.pk))
    assert sorted(e.changes["format"][1] for e in exports) == ["csv", "xlsx"]
    assert all(e.actor == samarinda_staff for e in exports)


def test_the_template_downloads_as_xlsx(login, samarinda_staff):
    response = login(samarinda_staff).get(reverse("cases:import-template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook["data"]["A1"].value == "nik"


def test_the_progress_endpoint_reports_the_status(login, samarinda_staff):
    batch = upload(samarinda_staff, csv_bytes([row()]))
    state = login(samarinda_staff).get(reverse("cases:import-progress", args=[batch.pk])).json()
    assert state == {
        "status": "checked",
        "label": state["label"],
        "progress": 100,
        "running": False,
    }


def test_a_running_import_follows_progress_without_inline_script(login, samarinda_staff):
    batch = upload(samarinda_staff, csv_bytes([row()]))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.CHECKING, progress=40)
    response = login(samarinda_staff).get(reverse("cases:import-detail", args=[batch.pk]))
    html = response.content.decode()
    assert '<progress id="import-progress" max="100" value="40">' in html
    assert "js/import.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert " style=" not in html


def test_a_failed_import_can_be_checked_again(
    login, samarinda_staff, django_capture_on_commit_callbacks
):
    client = login(samarinda_staff)
    batch = upload(samarinda_staff, csv_bytes([row()]))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.FAILED, failure="boom")
    assert "boom" in client.get(reverse("cases:import-detail", args=[batch.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:import-check", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED and batch.failure == ""


def test_balikpapan_staff_cannot_open_a_samarinda_import(
    client_as, samarinda_staff, balikpapan_staff
):
    batch = upload(samarinda_staff, csv_bytes([row(), row(nama="Salah", kategori="XYZ")]))
    client = client_as(balikpapan_staff)
    for name in ("import-detail", "import-progress", "import-errors", "import-errors-xlsx"):
        assert client.get(reverse(f"cases:{name}", args=[batch.pk])).status_code == 404, name
    for name in ("import-commit", "import-check"):
        assert client.post(reverse(f"cases:{name}", args=[batch.pk])).status_code == 404, name
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED
    listing = client.get(reverse("cases:import-upload")).content.decode()
    assert batch.original_name not in listing


def test_roles_without_write_rights_cannot_import(
    client_as, samarinda_staff, samarinda_viewer, provincial_officer, admin
):
    batch = upload(samarinda_staff, csv_bytes([row()]))
    for user in (samarinda_viewer, provincial_officer, admin):
        client = client_as(user)
        assert client.get(reverse("cases:import-upload")).status_code == 403
        assert client.get(reverse("cases:import-template")).status_code == 403
        assert client.get(reverse("cases:import-detail", args=[batch.pk])).status_code == 403
        assert client.post(reverse("cases:import-commit", args=[batch.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, samarinda_staff):
    batch = upload(samarinda_staff, csv_bytes([row()]))
    for url in (reverse("cases:import-upload"), reverse("cases:import-detail", args=[batch.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_every_import_view_declares_an_access_policy():
    from pmks_portal import access

    for pattern in import_urls.urlpatterns:
        # The provincial office's pages of a province-wide file (#15); the regency's others.
        expected = (
            "requires:import_province"
            if pattern.name.startswith("province-")
            else "requires:write_records"
        )
        assert access.policy_of(pattern.callback) == expected, pattern.name


def test_a_clerks_preview_of_a_province_file_says_the_other_regencies_rows_in_one_line(
    login, samarinda_staff
):
    """Issue #15: 1,200 rows of Balikpapan in Samarinda's upload are one line, not 1,200
    problems, in Indonesian with its thousands separator."""
    elsewhere = [row(nama=f"Orang Balikpapan {n}", kode_wilayah="64.71") for n in range(1200)]
    batch = upload(samarinda_staff, csv_bytes([row(), *elsewhere]))
    assert (batch.valid_rows, batch.error_rows) == (1, 0)
    page = login(samarinda_staff).get(
        reverse("cases:import-detail", args=[batch.pk]), HTTP_ACCEPT_LANGUAGE="id"
    )
    html = page.content.decode()
    assert "1.200 baris milik kabupaten/kota lain, tidak diimpor." in html
    assert 'data-testid="import-problems"' not in html
    assert 'data-testid="import-commit-form"' in html
