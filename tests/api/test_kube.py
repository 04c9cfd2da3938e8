"""KUBE groups and monthly reports through the API, with kube's own checks."""

import pytest

from kube.models import BusinessType, KubeReport
from tests.kube.conftest import new_group
from tests.kube.conftest import reference as kube_reference  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db


def test_a_samarinda_client_registers_a_group_and_its_report(samarinda_app):
    created = samarinda_app.post(
        "/api/v1/kube/",
        {
            "name": "KUBE Sejahtera",
            "year_formed": 2025,
            "business_type": BusinessType.objects.get(code="peternakan").pk,
            "bank_account_number": "0012345678901",
        },
    )
    assert created.status_code == 201, created.content
    group = created.json()
    assert group["regency"] == "64.72"
    assert group["bank_account_number"].endswith("8901")
    assert "0012345678901" not in created.content.decode()

    report = samarinda_app.post(
        f"/api/v1/kube/{group['id']}/reports/",
        {"month": "2026-10", "revenue": "4500000", "costs": "3000000", "capital": "12000000"},
    )
    assert report.status_code == 201, report.content
    assert report.json()["profit"] == "1500000.00"
    listed = samarinda_app.get(f"/api/v1/kube/{group['id']}/reports/")
    assert [r["month"] for r in listed.json()] == ["2026-10"]

    again = samarinda_app.post(
        f"/api/v1/kube/{group['id']}/reports/",
        {"month": "2026-10", "revenue": "1", "costs": "1", "capital": "1"},
    )
    assert again.status_code == 400
    assert "month" in again.json()["errors"]
    future = samarinda_app.post(
        f"/api/v1/kube/{group['id']}/reports/",
        {"month": "2027-01", "revenue": "-5", "costs": "1", "capital": "1"},
    )
    assert future.status_code == 400
    assert KubeReport.objects.count() == 1


def test_another_regencys_group_is_hidden(samarinda_app, balikpapan_staff):
    theirs = new_group(balikpapan_staff, name="KUBE Balikpapan")
    assert samarinda_app.get(f"/api/v1/kube/{theirs.pk}/").status_code == 404
    assert samarinda_app.get(f"/api/v1/kube/{theirs.pk}/reports/").status_code == 404
    refused = samarinda_app.post(
        f"/api/v1/kube/{theirs.pk}/reports/",
        {"month": "2026-10", "revenue": "1", "costs": "1", "capital": "1"},
    )
    assert refused.status_code == 404
    assert samarinda_app.get("/api/v1/kube/").json()["results"] == []
