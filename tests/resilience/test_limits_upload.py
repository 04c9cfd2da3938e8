"""Limits before work: an import too wide, too long, or with too long a cell is refused at
upload, with a message saying what to change, and no batch (no worker) is spent on it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.importing import limits
from cases.models import ImportBatch
from tests.cases.test_import import HEADER, csv_bytes, row, xlsx_bytes
from tests.cases.test_import_views import (  # noqa: F401 - autouse fixtures, used here too
    eager_celery,
    import_urls_mounted,
    post_file,
    private_media,
)

pytestmark = pytest.mark.django_db


def refused(client, data: bytes, name: str, capture, language: str = "en") -> str:
    with capture(execute=True):
        response = client.post(
            reverse("cases:import-upload"),
            {"file": SimpleUploadedFile(name, data)},
            HTTP_ACCEPT_LANGUAGE=language,
        )
    assert response.status_code == 200  # the form again, with the reason
    assert ImportBatch.objects.count() == 0
    return response.content.decode()


def test_a_million_header_columns_are_refused_at_upload(
    login, samarinda_staff, django_capture_on_commit_callbacks
):
    header = ",".join(f"k{n}" for n in range(1_000_000)).encode()  # 7.7 MB, as in the issue
    assert len(header) > 7_000_000
    html = refused(
        login(samarinda_staff),
        header + b"\n",
        "lebar.csv",
        django_capture_on_commit_callbacks,
        language="id",
    )
    assert "Baris 1 memiliki 1000000 kolom; paling banyak 100" in html


def test_a_fifteen_megabyte_cell_is_refused_at_upload(
    login, samarinda_staff, django_capture_on_commit_callbacks
):
    data = csv_bytes([row(alamat="x" * (15 * 1024 * 1024))])
    html = refused(
        login(samarinda_staff), data, "sel.csv", django_capture_on_commit_callbacks, language="id"
    )
    assert "Baris 2 memiliki sel yang lebih panjang dari 5000 karakter" in html


def test_a_cell_just_over_the_limit_is_refused_and_one_at_it_accepted(
    login, samarinda_staff, django_capture_on_commit_callbacks, english
):
    client = login(samarinda_staff)
    html = refused(
        client,
        csv_bytes([row(alamat="y" * (limits.MAX_CELL_CHARS + 1))]),
        "a.csv",
        django_capture_on_commit_callbacks,
    )
    assert "Row 2 has a cell longer than 5000 characters" in html
    response = post_file(
        client,
        csv_bytes([row(alamat="y" * limits.MAX_CELL_CHARS)]),
        "b.csv",
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302  # accepted; the check then says the address is too long


def test_too_many_rows_are_refused_at_upload(
    login, samarinda_staff, django_capture_on_commit_callbacks, monkeypatch, english
):
    monkeypatch.setattr(limits, "MAX_ROWS", 3)
    rows = [row(nama=f"Orang {n}") for n in range(4)]
    html = refused(
        login(samarinda_staff), csv_bytes(rows), "a.csv", django_capture_on_commit_callbacks
    )
    assert "more than 3 rows" in html
    assert (
        post_file(
            login(samarinda_staff),
            csv_bytes(rows[:3]),
            "b.csv",
            django_capture_on_commit_callbacks,
        ).status_code
        == 302
    )


def test_an_xlsx_too_wide_is_refused_at_upload(
    login, samarinda_staff, django_capture_on_commit_callbacks, english
):
    wide_header = HEADER + [f"extra{n}" for n in range(limits.MAX_COLUMNS)]
    data = xlsx_bytes([row()], header=wide_header)
    html = refused(login(samarinda_staff), data, "a.xlsx", django_capture_on_commit_callbacks)
    assert f"has {len(wide_header)} columns; at most 100" in html


def test_trailing_empty_columns_are_not_counted(
    login, samarinda_staff, django_capture_on_commit_callbacks
):
    header = HEADER + [""] * 150
    data = csv_bytes([row() + [""] * 150], header=header)
    response = post_file(login(samarinda_staff), data, "a.csv", django_capture_on_commit_callbacks)
    assert response.status_code == 302


def test_an_upload_larger_than_the_limit_is_refused_from_its_length_before_it_is_read(
    login, samarinda_staff, english
):
    client = login(samarinda_staff)
    response = client.post(
        reverse("cases:import-upload"),
        {"file": SimpleUploadedFile("a.csv", b"nama\n")},
        CONTENT_LENGTH=str(25 * 1024 * 1024),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "at most 20 MB can be imported" in response.content.decode()
    assert ImportBatch.objects.count() == 0
