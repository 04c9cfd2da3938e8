"""Issue #15.1: the provincial office's file for the whole province, routed per regency/city;
checked per regency, saved as each regency's cases on its behalf, all or nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import AuditEvent
from cases import importing
from cases.importing import committing, province
from cases.models import Case, ImportBatch, Person
from tests.cases.test_import import (
    balikpapan_village,
    csv_bytes,
    nik,
    private_media,  # noqa: F401 - an autouse fixture, used here too
    problems_by_row,
    row,
)
from worklists.registry import worklists_for

pytestmark = pytest.mark.django_db

SAMARINDA_NIK = nik(17, 5, 2012, 31)
BALIKPAPAN_NIK = nik(3, 3, 2011, 7, district="647105")


def province_rows() -> list[list]:
    """Two regencies' rows, one of them wrong, and three rows that name no regency/city."""
    elsewhere = balikpapan_village()
    return [
        row(nik=SAMARINDA_NIK),  # 2: Samarinda
        row(nama="Tanpa NIK"),  # 3: Samarinda
        row(nama="", kode_wilayah="64.72"),  # 4: Samarinda, no name
        row(nama="Dewi Lestari", nik=BALIKPAPAN_NIK, kode_wilayah=elsewhere),  # 5: Balikpapan
        row(nama="Orang Kalsel", kode_wilayah="63.71"),  # 6: another province
        row(nama="Tanpa Kode", kode_wilayah=""),  # 7: no code
        # 8: Samarinda's NIK again, in Balikpapan: one person, two regencies
        row(nama="Budi Santoso", nik=SAMARINDA_NIK, kode_wilayah=elsewhere, kategori="AT"),
    ]


def province_upload(officer, data: bytes, name: str = "provinsi.csv") -> ImportBatch:
    batch = importing.import_batch_create(
        actor=officer, regency=None, upload=ContentFile(data, name=name), queue=False
    )
    return importing.import_batch_check(batch.pk)


def province_commit(officer, batch: ImportBatch) -> ImportBatch:
    importing.import_batch_commit_request(
        actor=officer, batch=batch, warnings_confirmed=True, queue=False
    )
    return importing.import_batch_commit(batch.pk)


def test_the_check_routes_each_row_to_its_regency_and_counts_per_regency(provincial_officer):
    batch = province_upload(provincial_officer, csv_bytes(province_rows()))
    assert batch.status == ImportBatch.Status.CHECKED, batch.failure
    parts = {part.regency_id: part for part in batch.parts.all()}
    assert set(parts) == {"64.71", "64.72"}
    samarinda, balikpapan = parts["64.72"], parts["64.71"]
    assert (samarinda.total_rows, samarinda.valid_rows, samarinda.error_rows) == (3, 2, 1)
    assert (balikpapan.total_rows, balikpapan.valid_rows) == (1, 1)
    assert sorted(problems_by_row(samarinda)) == [4]
    # The rows that name no regency, and the NIK of another regency's row, stay at the province.
    held = problems_by_row(batch)
    assert sorted(held) == [6, 7, 8]
    assert "another regency/city in this file" in held[8]
    assert (batch.total_rows, batch.valid_rows, batch.error_rows) == (7, 3, 4)
    assert batch.summary["held_rows"] == 3
    assert [part["regency"] for part in batch.summary["parts"]] == ["64.71", "64.72"]
    assert Case.objects.count() == 0  # a check saves nothing


def test_the_commit_saves_each_regencys_rows_as_its_cases_on_its_behalf(
    provincial_officer, samarinda_staff
):
    batch = province_commit(
        provincial_officer, province_upload(provincial_officer, csv_bytes(province_rows()))
    )
    assert batch.status == ImportBatch.Status.COMMITTED, batch.failure
    assert batch.committed_rows == 3
    assert sorted(Case.objects.values_list("regency_id", flat=True)) == ["64.71", "64.72", "64.72"]
    assert set(Person.objects.values_list("created_by", flat=True)) == {provincial_officer.pk}
    assert Person.objects.get(nik=BALIKPAPAN_NIK).regency_id == "64.71"
    for part in batch.parts.all():
        assert part.status == ImportBatch.Status.COMMITTED
        event = AuditEvent.objects.get(target_type="cases.importbatch", target_id=str(part.pk))
        assert event.actor == provincial_officer and event.regency_id == part.regency_id
        assert event.changes["province_import"] == [None, batch.pk]
        assert "provincial office" in event.reason
    # Samarinda's staff see the batch that touched their regency, and only that one.
    seen = ImportBatch.objects.visible_to(samarinda_staff)
    assert list(seen) == [batch.parts.get(regency_id="64.72")]


def test_one_regency_failing_saves_no_regencys_rows(provincial_officer, monkeypatch):
    batch = province_upload(provincial_officer, csv_bytes(province_rows()))
    real = committing.commit_part

    def fails_in_samarinda(part, *args, **kwargs):
        tally = real(part, *args, **kwargs)
        if part.regency_id == "64.72":  # after Balikpapan's rows were written
            raise RuntimeError("disk full")
        return tally

    monkeypatch.setattr(province, "commit_part", fails_in_samarinda)
    batch = province_commit(provincial_officer, batch)
    assert batch.status == ImportBatch.Status.FAILED and "Nothing was saved" in batch.failure
    assert Case.objects.count() == 0 and Person.objects.count() == 0
    assert set(batch.parts.values_list("status", flat=True)) == {ImportBatch.Status.CHECKED}


def test_a_part_is_not_checked_or_saved_by_the_regency_alone(
    provincial_officer, samarinda_staff, login
):
    batch = province_upload(provincial_officer, csv_bytes(province_rows()))
    part = batch.parts.get(regency_id="64.72")
    with pytest.raises(ValidationError, match="province-wide import"):
        importing.import_batch_commit_request(
            actor=samarinda_staff, batch=part, warnings_confirmed=True, queue=False
        )
    with pytest.raises(ValidationError, match="province-wide import"):
        importing.import_batch_recheck(actor=samarinda_staff, batch=part, queue=False)
    page = login(samarinda_staff).get(reverse("cases:import-detail", args=[part.pk]))
    html = page.content.decode()
    assert 'data-testid="import-province-part"' in html
    assert 'data-testid="import-commit-form"' not in html
    waiting = {w.key: w for w in worklists_for(samarinda_staff)}["imports"]
    assert part not in waiting.items(samarinda_staff, None)
    officer_lists = {w.key: w for w in worklists_for(provincial_officer)}
    assert list(officer_lists["province-imports"].items(provincial_officer, None)) == [batch]


def test_only_the_provincial_office_imports_for_the_province(
    samarinda_staff, admin, provincial_officer
):
    for user in (samarinda_staff, admin):
        with pytest.raises(PermissionDenied):
            importing.import_batch_create(
                actor=user, regency=None, upload=ContentFile(b"nama\n", name="p.csv"), queue=False
            )


def test_the_same_file_or_the_same_rows_again_are_refused_before_any_row_is_checked(
    provincial_officer, samarinda_staff
):
    rows = province_rows()
    first = province_commit(
        provincial_officer, province_upload(provincial_officer, csv_bytes(rows))
    )
    again = province_upload(provincial_officer, csv_bytes(rows))
    assert again.status == ImportBatch.Status.FAILED and f"import {first.pk}," in again.failure
    other_bytes = province_upload(provincial_officer, csv_bytes(rows, delimiter=";"))
    assert other_bytes.status == ImportBatch.Status.FAILED
    assert not other_bytes.parts.exists()
    # A clerk uploading exactly the rows of Samarinda's part: the same rows, saved before.
    samarinda_rows = [rows[0], rows[1], rows[2]]
    batch = importing.import_batch_create(
        actor=samarinda_staff,
        regency=samarinda_staff.regency,
        upload=ContentFile(csv_bytes(samarinda_rows), name="samarinda.csv"),
        queue=False,
    )
    batch = importing.import_batch_check(batch.pk)
    assert batch.status == ImportBatch.Status.FAILED and f"import {first.pk}," in batch.failure


def test_a_check_done_again_replaces_its_parts(provincial_officer):
    batch = province_upload(provincial_officer, csv_bytes(province_rows()))
    first_parts = set(batch.parts.values_list("pk", flat=True))
    importing.import_batch_recheck(actor=provincial_officer, batch=batch, queue=False)
    batch = importing.import_batch_check(batch.pk)
    assert batch.status == ImportBatch.Status.CHECKED
    parts = set(batch.parts.values_list("pk", flat=True))
    assert len(parts) == 2 and not parts & first_parts


def test_the_pages_of_the_province_import(provincial_officer, samarinda_staff, login):
    client = login(provincial_officer)
    upload_url = reverse("cases:province-import-upload")
    response = client.post(
        upload_url, {"file": ContentFile(csv_bytes(province_rows()), name="provinsi.csv")}
    )
    batch = ImportBatch.objects.get(regency__isnull=True)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:province-import-detail", args=[batch.pk])
    importing.import_batch_check(batch.pk)  # the task the upload queued
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="province-import-parts"' in html
    assert 'data-testid="province-import-part-64.72"' in html
    assert 'data-testid="province-import-held"' in html
    assert 'data-testid="import-commit-form"' in html
    held = client.get(reverse("cases:province-import-errors", args=[batch.pk]))
    lines = b"".join(held.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 3 and "Orang Kalsel" in lines[1]  # header + the three held rows
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, target_id=str(batch.pk)
    ).exists()
    commit_url = reverse("cases:province-import-commit", args=[batch.pk])
    assert client.post(commit_url, {"warnings_confirmed": "on"}).status_code == 302
    importing.import_batch_commit(batch.pk)  # the task the request queued
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and Case.objects.count() == 3
    # A regency's batch is not a province-wide one, and the regency's staff have no such page.
    part = batch.parts.first()
    detail = reverse("cases:province-import-detail", args=[part.pk])
    assert client.get(detail).status_code == 404
    assert login(samarinda_staff).get(upload_url).status_code == 403


def test_the_command_imports_a_province_file(provincial_officer, tmp_path, capsys):
    path = tmp_path / "provinsi.csv"
    path.write_bytes(csv_bytes(province_rows()))
    call_command("import_cases", str(path), "--user", provincial_officer.username, "--province")
    out = capsys.readouterr().out
    assert "Kota Samarinda: 3 rows, 2 can be saved" in out and Case.objects.count() == 0
    path.write_bytes(csv_bytes(province_rows()[:4]))
    call_command(
        "import_cases", str(path), "--user", provincial_officer.username, "--province", "--commit"
    )
    assert Case.objects.count() == 3


def test_the_command_refuses_a_province_file_from_a_regency_clerk(samarinda_staff, tmp_path):
    path = tmp_path / "provinsi.csv"
    path.write_bytes(csv_bytes(province_rows()))
    with pytest.raises(CommandError, match="whole province"):
        call_command("import_cases", str(path), "--user", samarinda_staff.username, "--province")
