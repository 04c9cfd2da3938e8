"""Aggregates equal the dashboards' series; report runs are requested, polled, downloaded."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from audit.models import AuditEvent
from reports import figures, summary
from reports import services as report_services
from reports.indicators import months_between
from reports.models import ReportRun, SummaryState
from tests.api.conftest import ApiCaller, issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def samarinda_aggregates(admin, samarinda):
    return ApiCaller(issue(admin, regency=samarinda, can_read=False, can_aggregate=True).token)


def test_aggregates_are_the_dashboards_series(province_aggregates, samarinda_case, balikpapan_case):
    summary.rebuild(["64.71", "64.72"])
    response = province_aggregates.get("/api/v1/aggregates/", {"from": "2026-09", "to": "2026-11"})
    assert response.status_code == 200, response.content
    rows = response.json()
    months = months_between(summary.current_month().replace(month=9), summary.current_month())
    counted = {s.regency_id: set(s.snapshot_months) for s in SummaryState.objects.all()}
    expected = figures.programme_series(summary.province_regencies(), months, counted)
    by_key = {(r["regency"], r["programme"], r["month"]): r for r in rows}
    for (regency, programme), series in expected.items():
        for m in series:
            row = by_key[(regency, programme, f"{m.month:%Y-%m}")]
            assert (row["found"], row["remaining"]) == (m.found, m.remaining)
    # One street child found in October in each city, still open.
    october = by_key[("64.72", "street_children", "2026-10")]
    assert (october["found"], october["remaining"]) == (1, 1)
    assert by_key[("64.71", "street_children", "2026-10")]["found"] == 1


def test_a_regency_client_gets_only_its_regencys_aggregates(
    samarinda_aggregates, samarinda_case, balikpapan_case
):
    summary.rebuild(["64.71", "64.72"])
    rows = samarinda_aggregates.get("/api/v1/aggregates/", {"from": "2026-10", "to": "2026-10"})
    assert {r["regency"] for r in rows.json()} == {"64.72"}
    refused = samarinda_aggregates.get(
        "/api/v1/aggregates/", {"from": "2026-10", "to": "2026-10", "regency": "64.71"}
    )
    assert refused.status_code == 400
    assert "regency" in refused.json()["errors"]
    # Aggregates only: no records.
    assert samarinda_aggregates.get("/api/v1/cases/").status_code == 403


def test_aggregates_need_the_capability_and_a_sane_window(samarinda_reader, province_aggregates):
    assert (
        samarinda_reader.get(
            "/api/v1/aggregates/", {"from": "2026-10", "to": "2026-10"}
        ).status_code
        == 403
    )
    too_long = province_aggregates.get("/api/v1/aggregates/", {"from": "2024-01", "to": "2026-10"})
    assert too_long.status_code == 400
    assert (
        province_aggregates.get(
            "/api/v1/aggregates/", {"from": "2026-13", "to": "2026-10"}
        ).status_code
        == 400
    )


def test_a_report_is_requested_polled_and_downloaded_with_the_download_logged(
    samarinda_app, samarinda_reader, balikpapan_staff, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Read-only means read-only: a reading client may not ask for a report, a writing one may.
    refused = samarinda_reader.post("/api/v1/reports/", {"regency": "64.72", "period": "2026-10"})
    assert refused.status_code == 403
    asked = samarinda_app.post("/api/v1/reports/", {"regency": "64.72", "period": "2026-10"})
    assert asked.status_code in (200, 202), asked.content
    run_id = asked.json()["id"]
    again = samarinda_app.post("/api/v1/reports/", {"regency": "64.72", "period": "2026-10"})
    assert again.status_code == 200
    assert again.json()["id"] == run_id
    assert samarinda_reader.get(f"/api/v1/reports/{run_id}/").json()["period"] == "2026-10"

    run = ReportRun.objects.get(pk=run_id)
    if not run.pdf_file:  # the eager build may not have stored files in this test's storage
        run.pdf_file = default_storage.save("reports/test.pdf", ContentFile(b"%PDF-1.4 test"))
        run.save(update_fields=["pdf_file"])
    download = samarinda_reader.get(f"/api/v1/reports/{run_id}/pdf/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    exports = AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, target_type="reports.reportrun"
    )
    assert exports.get().changes["params"]["via"] == "api"

    # Balikpapan's report, and another regency in the body.
    other = samarinda_app.post("/api/v1/reports/", {"regency": "64.71", "period": "2026-10"})
    assert other.status_code == 400
    assert "regency" in other.json()["errors"]
    balikpapan_run, _ = report_services.report_request(
        actor=balikpapan_staff, regency=balikpapan_staff.regency, period="2026-10", publish=False
    )
    assert samarinda_reader.get(f"/api/v1/reports/{balikpapan_run.pk}/").status_code == 404
    assert samarinda_reader.get(f"/api/v1/reports/{balikpapan_run.pk}/pdf/").status_code == 404
