"""In Chromium: a provincial officer opens the dashboard from the menu, sees the league table,
drills down to Samarinda, to one of its districts and to the list of its open cases, goes back,
asks for Samarinda's monthly report and downloads the PDF once it is ready."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases.models import Programme
from reports import summary
from reports.models import ReportRun
from tests.reports.conftest import pdf_strings, register
from tests.reports.helpers import direct_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMARINDA = "64.72"
SAMARINDA_UTARA = "64.72.05"
SEMPAJA_SELATAN = "64.72.05.1002"


@pytest.fixture
def registry(portal):
    staff = User.objects.get(username="samarinda")
    for name in ("Rizki Ananda", "Putra Mahakam", "Adi Saputra"):
        register(staff, name=name, village_code=SEMPAJA_SELATAN)
    register(User.objects.get(username="balikpapan"), name="Dewi Lestari", sex="P")
    summary.refresh()


def path_of(page) -> str:
    return page.page.url.removeprefix(page.base_url)


def follow(page, locator):
    with page.page.expect_navigation():
        locator.click()


def test_an_officer_drills_down_and_downloads_the_monthly_report(browser_page, registry, tmp_path):
    page = browser_page
    page.log_in("provinsi")
    menu = page.page.get_by_test_id("main-menu")
    follow(page, menu.locator("a[data-menu='reports:dashboard']"))
    assert path_of(page) == reverse("reports:dashboard")

    league = page.page.get_by_test_id("league-table")
    samarinda_row = league.locator(f"tr[data-regency='{SAMARINDA}']")
    assert samarinda_row.locator("td").first.locator("a.fw-semibold").inner_text() == "3"
    assert page.page.locator("svg.trend-chart").count() == 3
    page.screenshot("reports-province-dashboard")

    follow(page, samarinda_row.locator("th a"))
    assert path_of(page).startswith(reverse("reports:regency", args=[SAMARINDA]))
    districts = page.page.get_by_test_id("district-table")
    follow(
        page, districts.locator(f"a[href^='{reverse('reports:district', args=[SAMARINDA_UTARA])}']")
    )
    counts = page.page.get_by_test_id("district-programmes").locator("a")
    street_children = counts.first
    assert street_children.inner_text() == "3"
    follow(page, street_children)
    assert path_of(page).startswith(reverse("cases:list"))
    assert "open_against_target=on" in page.page.url
    rows = page.page.locator("main table tbody tr")
    assert rows.count() == direct_open(SAMARINDA, Programme.STREET_CHILDREN) == 3

    page.goto("reports:regency", SAMARINDA)
    form = page.page.get_by_test_id("request-report")
    period = f"{timezone.localdate():%Y-%m}"
    assert form.locator("input[name=period]").input_value() == period
    follow(page, form.locator("button[type=submit]"))
    assert re.search(r"/laporan/berkas/[0-9a-f-]{36}/$", page.page.url)
    download_link = page.page.get_by_test_id("download-pdf")
    with page.page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert download.suggested_filename == f"laporan-pmks-{SAMARINDA}-{period}.pdf"

    strings = pdf_strings(Path(saved).read_bytes())
    assert any("Kota Samarinda" in text for text in strings)
    run = ReportRun.objects.get()
    assert run.status == ReportRun.Status.DONE and run.requested_by.username == "provinsi"
    assert run.content_sha256[:16] in " ".join(strings)
    row = strings.index("Bebas anak jalanan 2017")
    # Target, deadline, baseline, remaining at the start, found, resolved, closed, relapsed,
    # then remaining.
    assert strings[row + 8] == "3"  # remaining
