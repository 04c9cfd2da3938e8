"""Bad input is a 400 with field errors in the documented shape, and nothing is saved."""

import pytest

from audit.models import AuditEvent
from cases.models import Case, Category, Person

pytestmark = pytest.mark.django_db


def rows():
    return Person.objects.count(), Case.objects.count()


def assert_refused(response, field: str):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] == "The request is not valid."
    assert field in body["errors"], body
    assert all(isinstance(m, str) for messages in body["errors"].values() for m in messages)


def test_malformed_json_is_a_400(samarinda_app):
    before = rows()
    assert_refused(samarinda_app.post("/api/v1/persons/", raw="{name: 'Sri'"), "__all__")
    assert rows() == before


def test_an_unknown_field_is_a_400_not_silently_dropped(samarinda_app):
    before = rows()
    response = samarinda_app.post(
        "/api/v1/persons/", {"name": "Sri Wahyuni", "sex": "P", "nama_ibu": "Ani"}
    )
    assert_refused(response, "nama_ibu")
    assert rows() == before


def test_a_wrong_type_is_a_400(samarinda_app, samarinda_case):
    before = rows()
    response = samarinda_app.post(
        "/api/v1/cases/",
        {
            "person": samarinda_case.person_id,
            "category": "AJ",
            "found_on": "kemarin",
            "source": "outreach",
        },
    )
    assert_refused(response, "category")
    assert "found_on" in response.json()["errors"]
    assert rows() == before


def test_a_regency_outside_the_clients_scope_in_a_body_is_a_400(samarinda_app, samarinda_case):
    before = rows()
    assert_refused(
        samarinda_app.post(
            "/api/v1/persons/", {"name": "Sri Wahyuni", "sex": "P", "regency": "64.71"}
        ),
        "regency",
    )
    # A village of Balikpapan: the person form's own check refuses it.
    assert_refused(
        samarinda_app.post(
            "/api/v1/persons/", {"name": "Sri Wahyuni", "sex": "P", "village": "64.71.01.1001"}
        ),
        "village",
    )
    assert_refused(
        samarinda_app.post(
            "/api/v1/cases/",
            {
                "person": samarinda_case.person_id,
                "category": Category.objects.get(code="AJ").pk,
                "district": "64.71.01",
                "found_on": "2026-11-10",
                "source": "outreach",
                "regency": "64.72",
            },
        ),
        "district",
    )
    assert rows() == before


def test_a_person_of_another_regency_in_a_body_is_a_400_that_reveals_nothing(
    samarinda_app, balikpapan_case
):
    before = rows()
    response = samarinda_app.post(
        "/api/v1/cases/",
        {
            "person": balikpapan_case.person_id,
            "category": Category.objects.get(code="AJ").pk,
            "found_on": "2026-11-10",
            "source": "outreach",
        },
    )
    assert_refused(response, "person")
    missing = samarinda_app.post(
        "/api/v1/cases/",
        {
            "person": 999_999,
            "category": Category.objects.get(code="AJ").pk,
            "found_on": "2026-11-10",
            "source": "outreach",
        },
    )
    assert missing.json() == response.json()
    assert rows() == before


def test_an_invalid_nik_is_a_field_error(samarinda_app):
    before = rows()
    assert_refused(
        samarinda_app.post("/api/v1/persons/", {"nik": "12345", "name": "Sri", "sex": "P"}),
        "nik",
    )
    assert rows() == before


def test_a_transition_the_workflow_does_not_allow_is_a_400(samarinda_app, samarinda_case):
    events = AuditEvent.objects.count()
    response = samarinda_app.post(
        f"/api/v1/cases/{samarinda_case.pk}/transitions/", {"to_status": "resolved"}
    )
    assert_refused(response, "to_status")
    samarinda_case.refresh_from_db()
    assert samarinda_case.status == "registered"
    assert AuditEvent.objects.count() == events


def test_a_bad_filter_is_a_400(samarinda_app):
    assert_refused(samarinda_app.get("/api/v1/cases/", {"status": "lost"}), "status")
    assert_refused(samarinda_app.get("/api/v1/cases/", {"regency": "64.71"}), "regency")
    assert_refused(samarinda_app.get("/api/v1/cases/", {"size": 5000}), "size")
