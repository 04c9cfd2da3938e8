"""The issue's acceptance: a client scoped to Samarinda lists, creates and moves Samarinda's
cases through their workflow, gets 404 for Balikpapan's, and the read log shows what it read."""

import pytest

from audit.models import AuditEvent
from cases.models import Case, CaseStatus, Category, Person
from regions.models import Region

pytestmark = pytest.mark.django_db


def village_of(regency_code: str) -> Region:
    return (
        Region.objects.filter(level="village", code__startswith=f"{regency_code}.")
        .order_by("code")
        .first()
    )


def test_a_samarinda_client_lists_creates_and_moves_samarindas_cases(
    samarinda_app, samarinda_case, balikpapan_case
):
    listed = samarinda_app.get("/api/v1/cases/")
    assert listed.status_code == 200, listed.content
    assert [row["id"] for row in listed.json()["results"]] == [samarinda_case.pk]

    village = village_of("64.72")
    person = samarinda_app.post(
        "/api/v1/persons/",
        {
            "nik": "6472014107950004",
            "name": "Sri Wahyuni",
            "sex": "P",
            "birth_date": "1995-07-01",
            "village": village.code,
        },
    )
    assert person.status_code == 201, person.content
    person_id = person.json()["id"]
    assert person.json()["nik"] == "6472014107950004"  # a writer sees the NIK, as staff do

    created = samarinda_app.post(
        "/api/v1/cases/",
        {
            "person": person_id,
            "category": Category.objects.get(code="AJ").pk,
            "village": village.code,
            "found_on": "2026-11-10",
            "source": "outreach",
        },
    )
    assert created.status_code == 201, created.content
    case_id = created.json()["id"]
    assert created.json()["district"] == village.parent_id
    assert created.json()["next_statuses"]

    for status in (CaseStatus.VERIFIED, CaseStatus.IN_HANDLING, CaseStatus.RESOLVED):
        moved = samarinda_app.post(
            f"/api/v1/cases/{case_id}/transitions/",
            {"to_status": status, "effective_on": "2026-11-12", "reason": "Kunjungan rumah"},
        )
        assert moved.status_code == 200, moved.content
        assert moved.json()["status"] == status
    case = Case.objects.get(pk=case_id)
    assert case.status == CaseStatus.RESOLVED
    assert [t.to_status for t in case.transitions.order_by("pk")][-1] == CaseStatus.RESOLVED
    assert case.transitions.order_by("pk").last().reason == "Kunjungan rumah"

    assert samarinda_app.get(f"/api/v1/cases/{balikpapan_case.pk}/").status_code == 404
    assert samarinda_app.get(f"/api/v1/persons/{balikpapan_case.person_id}/").status_code == 404
    refused = samarinda_app.post(
        f"/api/v1/cases/{balikpapan_case.pk}/transitions/", {"to_status": "verified"}
    )
    assert refused.status_code == 404
    assert Case.objects.get(pk=balikpapan_case.pk).status == CaseStatus.REGISTERED

    detail = samarinda_app.get(f"/api/v1/cases/{samarinda_case.pk}/")
    assert detail.status_code == 200
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, target_type="cases.case")
    read_ids = [event.changes["ids"] for event in reads.order_by("pk")]
    assert read_ids[0] == [str(samarinda_case.pk)]  # the list
    assert read_ids[-1] == [str(samarinda_case.pk)]  # the detail
    assert all(event.actor.api_client.name == "Samarinda field app" for event in reads)
    assert all(event.regency_id == "64.72" for event in reads)
    assert str(balikpapan_case.pk) not in {pk for ids in read_ids for pk in ids}


def test_a_reader_sees_the_nik_masked_and_may_not_write(samarinda_reader, samarinda_case):
    person = samarinda_reader.get(f"/api/v1/persons/{samarinda_case.person_id}/").json()
    assert person["nik"] == "6472********0003"
    refused = samarinda_reader.post(
        f"/api/v1/cases/{samarinda_case.pk}/transitions/", {"to_status": "verified"}
    )
    assert refused.status_code == 403
    assert Case.objects.get(pk=samarinda_case.pk).status == CaseStatus.REGISTERED


def test_a_duplicate_nik_is_refused_and_warnings_wait_for_a_confirming_call(
    samarinda_app, samarinda_case
):
    count = Person.objects.count()
    duplicate = samarinda_app.post(
        "/api/v1/persons/", {"nik": "6472051705120003", "name": "Rudi H", "sex": "L"}
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "duplicate_nik"
    assert duplicate.json()["existing_person"] == samarinda_case.person_id

    # The NIK says born 1995-07-01 (day 41 = 1 + 40 for a woman), the body says otherwise.
    body = {
        "nik": "6472014107950004",
        "name": "Sri Wahyuni",
        "sex": "P",
        "birth_date": "1996-01-02",
    }
    pending = samarinda_app.post("/api/v1/persons/", body)
    assert pending.status_code == 409, pending.content
    assert pending.json()["code"] == "needs_confirmation"
    assert pending.json()["warnings"]
    assert Person.objects.count() == count
    confirmed = samarinda_app.post("/api/v1/persons/", body | {"confirm": True})
    assert confirmed.status_code == 201
    assert Person.objects.count() == count + 1


def test_a_search_by_name_or_nik_finds_only_the_clients_cases(
    samarinda_reader, samarinda_case, balikpapan_case
):
    found = samarinda_reader.post("/api/v1/cases/search/", {"q": "Rudi"})
    assert found.status_code == 200, found.content
    assert [row["id"] for row in found.json()["results"]] == [samarinda_case.pk]
    by_nik = samarinda_reader.post("/api/v1/cases/search/", {"q": "6472 0517 0512 0003"})
    assert [row["id"] for row in by_nik.json()["results"]] == [samarinda_case.pk]
    theirs = samarinda_reader.post("/api/v1/cases/search/", {"q": "6471025708110002"})
    assert theirs.json()["results"] == []
    assert samarinda_reader.post("/api/v1/cases/search/", {"q": "R"}).status_code == 400
