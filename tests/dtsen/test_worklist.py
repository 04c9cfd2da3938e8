"""The reconciliation worklist: its four findings, worked by the regency's own staff only, with
a history, and the proposals file in the musdes/muskel layout."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dtsen import selectors, services
from dtsen.models import ItemKind, ItemStatus, WorklistItem
from tests.bodies import readable_text
from tests.dtsen.conftest import csv_bytes, kk_for, row_of, synthetic_row, upload
from tests.factories import register
from tests.kube.conftest import form_group

pytestmark = pytest.mark.django_db


def _person(staff, name, serial, sex="L"):
    district = "647205" if staff.regency_id == "64.72" else "647101"
    day = 5 + (40 if sex == "P" else 0)
    nik = f"{district}{day:02d}0180{serial:04d}"
    return register(staff, name=name, nik=nik, sex=sex, birth_date=date(1980, 1, 5)).person


@pytest.fixture
def reconciled(provincial_officer, samarinda_staff, balikpapan_staff):
    """One person per finding in Samarinda, one unlisted person in Balikpapan, and a KUBE."""
    absent = _person(samarinda_staff, "Absen Tidak Terdaftar", 1)
    deceased = _person(samarinda_staff, "Almarhum Wafat", 2)
    renamed = _person(samarinda_staff, "Nama Asli", 3)
    elsewhere = _person(balikpapan_staff, "Orang Balikpapan", 4)
    kube = form_group(samarinda_staff, members=2, name="KUBE Sejahtera")
    members = [member.person for member in kube.members.all()]
    rows = [
        row_of(deceased, status="meninggal"),
        row_of(renamed, name="Nama Lain Sekali"),
        row_of(members[0], decile=7),
        row_of(members[1], decile=2),
        synthetic_row("64.72.05.1002", 9),
    ]
    extract = upload(provincial_officer, csv_bytes(rows))
    assert extract.status == "loaded", extract.failure
    return {
        "extract": extract,
        "absent": absent,
        "deceased": deceased,
        "renamed": renamed,
        "elsewhere": elsewhere,
        "rich_member": members[0],
    }


def _kinds(extract) -> dict:
    return {(item.kind, item.person_id) for item in WorklistItem.objects.filter(extract=extract)}


def test_each_finding_is_found_once_for_the_right_person(reconciled):
    found = _kinds(reconciled["extract"])
    assert (ItemKind.NOT_IN_DTSEN, reconciled["absent"].pk) in found
    assert (ItemKind.NOT_IN_DTSEN, reconciled["elsewhere"].pk) in found
    assert (ItemKind.DECEASED_OR_MOVED, reconciled["deceased"].pk) in found
    assert (ItemKind.DATA_MISMATCH, reconciled["renamed"].pk) in found
    assert (ItemKind.KUBE_DECILE, reconciled["rich_member"].pk) in found
    # The poorer KUBE member (decile 2) and the people DTSEN holds rightly give nothing more.
    assert len(found) == 5
    assert reconciled["extract"].item_counts[ItemKind.NOT_IN_DTSEN] == 2


def test_a_kk_and_name_match_under_another_nik_is_a_data_check_not_a_proposal(
    provincial_officer, samarinda_staff
):
    person = _person(samarinda_staff, "Rahmat Hidayat", 5)
    other_nik = synthetic_row("64.72.05.1002", 77)
    other_nik[1], other_nik[2] = kk_for("64.72.05.1002", 55), "RAHMAT  HIDAYAT"
    # The registry knows the person's family card; DTSEN holds the card under another NIK.
    person.kk_number = other_nik[1]
    person.save(update_fields=["kk_number"])
    extract = upload(provincial_officer, csv_bytes([other_nik]))
    item = WorklistItem.objects.get(extract=extract, person=person)
    assert (item.kind, item.fields) == (ItemKind.DATA_MISMATCH, ["nik"])


def test_staff_see_and_count_only_their_regency_and_officers_all(
    reconciled, samarinda_staff, balikpapan_staff, provincial_officer
):
    assert selectors.open_item_counts(samarinda_staff)["total"] == 4
    assert selectors.open_item_counts(balikpapan_staff)["total"] == 1
    assert selectors.open_item_counts(provincial_officer)["total"] == 5
    assert selectors.open_item_counts("64.71")["not_in_dtsen"] == 1
    assert set(selectors.open_items_for(balikpapan_staff).values_list("regency", flat=True)) == {
        "64.71"
    }


def test_a_staff_member_works_an_item_to_done_with_its_history(reconciled, samarinda_staff):
    item = WorklistItem.objects.get(person=reconciled["absent"])
    item = services.worklist_item_update(
        actor=samarinda_staff, item=item, version=item.version, status=ItemStatus.IN_PROGRESS
    )
    assert item.owner == samarinda_staff
    item = services.worklist_item_update(
        actor=samarinda_staff,
        item=item,
        version=item.version,
        status=ItemStatus.DONE,
        owner=samarinda_staff,
        reason="Diusulkan di musdes 12 Nov",
    )
    assert item.status == ItemStatus.DONE and not item.is_open
    assert selectors.open_item_counts(samarinda_staff)["not_in_dtsen"] == 0


def test_rejecting_needs_a_reason_and_another_regency_may_not_touch_the_item(
    reconciled, samarinda_staff, balikpapan_staff
):
    item = WorklistItem.objects.get(person=reconciled["absent"])
    with pytest.raises(ValidationError):
        services.worklist_item_update(
            actor=samarinda_staff, item=item, version=item.version, status=ItemStatus.REJECTED
        )
    with pytest.raises(PermissionDenied):
        services.worklist_item_update(
            actor=balikpapan_staff, item=item, version=item.version, status=ItemStatus.DONE
        )
    with pytest.raises(ValidationError):
        services.worklist_item_update(
            actor=samarinda_staff,
            item=item,
            version=item.version,
            status=ItemStatus.IN_PROGRESS,
            owner=balikpapan_staff,
        )


def test_work_carries_over_to_the_next_version(reconciled, samarinda_staff, provincial_officer):
    item = WorklistItem.objects.get(person=reconciled["absent"])
    services.worklist_item_update(
        actor=samarinda_staff, item=item, version=item.version, status=ItemStatus.IN_PROGRESS
    )
    later = upload(provincial_officer, csv_bytes([synthetic_row("64.72.05.1002", 9)]), quarter=4)
    again = WorklistItem.objects.get(extract=later, person=reconciled["absent"])
    assert (again.status, again.owner) == (ItemStatus.IN_PROGRESS, samarinda_staff)


def test_the_proposals_file_lists_finding_a_of_the_users_regency(
    reconciled, client_as, samarinda_staff
):
    response = client_as(samarinda_staff).get(reverse("dtsen:proposals"))
    text = readable_text(response)
    assert "Hasil musdes/muskel" in text
    assert "Absen Tidak Terdaftar" in text and reconciled["absent"].nik in text
    assert "Orang Balikpapan" not in text and "Almarhum" not in text


def test_the_worklist_page_is_a_fixed_number_of_queries(
    reconciled, client_as, samarinda_staff, django_assert_num_queries
):
    client = client_as(samarinda_staff)
    client.get(reverse("dtsen:worklist"))
    # Session, user; the page of items (with person, regency, village, owner, version), its
    # capped count; the version shown; the filter's regencies and the villages of the user's
    # regency; no query per row. The open items by kind are cached since the first view.
    with django_assert_num_queries(7):
        response = client.get(reverse("dtsen:worklist"))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="item-status"') == 4


def test_the_cached_counts_follow_an_item_that_moves(
    reconciled, samarinda_staff, django_capture_on_commit_callbacks
):
    before = selectors.open_item_counts("64.72")
    item = selectors.open_items_for(samarinda_staff).first()
    with django_capture_on_commit_callbacks(execute=True):
        services.worklist_item_update(
            actor=samarinda_staff,
            item=item,
            version=item.version,
            status=ItemStatus.DONE,
            owner=samarinda_staff,
        )
    assert before["total"] > 0
    assert selectors.open_item_counts("64.72")["total"] == before["total"] - 1


def test_tugas_saya_lists_the_regencys_open_items_and_no_other_regencys(
    reconciled, client_as, samarinda_staff, balikpapan_staff
):
    page = readable_text(client_as(samarinda_staff).get(reverse("worklists:mine")))
    assert "Butir rekonsiliasi DTSEN" in page
    assert "Almarhum Wafat" in page
    assert "Orang Balikpapan" not in page
    other = readable_text(client_as(balikpapan_staff).get(reverse("worklists:mine")))
    assert "Orang Balikpapan" in other
    assert "Almarhum Wafat" not in other
