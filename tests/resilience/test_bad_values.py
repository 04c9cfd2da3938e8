"""Path and query values out of range answer 404 or a form's message, never a 500: the
converters (pmks_portal/converters.py) and the one period parser (reports.periods)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve

from cases.models import Person
from pmks_portal.converters import MAX_ID, IdConverter, MonthConverter, YearConverter
from reports.models import ReportRun
from reports.periods import parse_period

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["0000", "0000-05", "0000-Q1", "0000-01", "1999-12", "0001"])
def test_the_period_parser_refuses_year_zero_and_years_before_2000_with_a_message(text, english):
    with pytest.raises(ValidationError, match="too far back"):
        parse_period(text)


def test_the_period_parser_still_reads_good_periods():
    assert parse_period("2026-10").code == "2026-10"
    assert parse_period("2026-q4").kind == "quarter"
    assert parse_period("2000").start.year == 2000


@pytest.mark.parametrize(
    "url",
    [
        "/laporan/?month=0000-01",
        "/laporan/provinsi/?month=0000-01",
        "/laporan/wilayah/64.72/?month=0000-05",
    ],
)
def test_the_dashboards_answer_a_month_of_year_zero(login, provincial_officer, url):
    response = login(provincial_officer).get(url)
    assert response.status_code == 200  # the current month, as for any unreadable month


@pytest.mark.parametrize("period", ["0000", "0000-05", "0000-Q1"])
def test_a_report_of_year_zero_is_refused_with_the_forms_message(
    login, provincial_officer, period, english
):
    response = login(provincial_officer).post(
        "/laporan/berkas/", {"scope": "64.72", "period": period}
    )
    assert response.status_code == 200
    assert "The period is too far back." in response.content.decode()
    assert ReportRun.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "/kube/1/laporan/9999999999/1/",
        "/kube/1/laporan/0/1/",
        "/kube/1/laporan/2026/13/",
        "/kube/1/laporan/2026/0/",
        f"/kube/{MAX_ID + 1}/",
        "/kube/0/",
        "/kasus/" + "9" * 10_000 + "/",
    ],
)
def test_out_of_range_path_values_match_no_url(login, samarinda_staff, url):
    with pytest.raises(Resolver404):
        resolve(url)
    assert login(samarinda_staff).get(url).status_code == 404


def test_the_converters_bounds():
    assert IdConverter().to_python(str(MAX_ID)) == MAX_ID
    for converter, bad in (
        (IdConverter(), "0"),
        (YearConverter(), "0000"),
        (MonthConverter(), "13"),
    ):
        with pytest.raises(ValueError):
            converter.to_python(bad)
    assert YearConverter().to_python("2026") == 2026
    assert MonthConverter().to_python("02") == 2
    assert IdConverter().to_url(12) == "12"


@pytest.mark.parametrize(
    "url", ["/kasus/ekspor/?activity=a%00b", "/kasus/?q=%00", "/kasus/?a%00=1"]
)
def test_a_nul_in_the_query_is_refused_with_400(login, samarinda_staff, url, english):
    response = login(samarinda_staff).get(url)
    assert response.status_code == 400
    assert "cannot be stored (NUL)" in response.content.decode()


def test_a_nul_in_a_form_is_refused_with_400_or_by_the_form(login, samarinda_staff):
    client = login(samarinda_staff)
    encoded = client.post(
        "/kasus/orang/baru/", "name=a%00b", content_type="application/x-www-form-urlencoded"
    )
    assert encoded.status_code == 400
    # A multipart body is left to the form fields (an upload may be refused by its length).
    multipart = client.post("/kasus/orang/baru/", {"name": "a\x00b"})
    assert multipart.status_code == 200 and Person.objects.count() == 0
