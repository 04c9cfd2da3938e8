"""KUBE as a regency's staff meet it, in Chromium: a Samarinda social worker forms a group from
five heads of family already in the person registry, records its grant and three monthly
reports, and sees the charts grow and the stage move from tumbuh to berkembang. A second report
for the same month is refused with its message, and nothing changes.

Every action goes through the pages. The ORM only prepares the registry (persons with their
fakir miskin cases, as the case registry's services register them) and checks what was stored.
"""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from cases.categories_data import load_default_categories
from cases.models import Category, CategoryAlias
from kube.models import BusinessType, Kube, KubeRules, Stage, add_months, first_of_month
from kube.reference_data import ensure_rules_row, load_default_business_types
from kube.selectors import last_due_month
from tests.cases.conftest import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GROUP_NAME = "KUBE Sumber Rezeki"
MEMBERS = [
    ("Slamet Riyadi", date(1979, 4, 12)),
    ("Norhayati Rahman", date(1983, 9, 3)),
    ("Ambo Tang", date(1975, 1, 22)),
    ("Yohanes Lahang", date(1988, 6, 30)),
    ("Rusdi Ansyari", date(1991, 11, 5)),
]
DISTRICT = "64.72.05"  # Samarinda Utara


def id_(text) -> str:
    """What the portal shows in Indonesian, its default language, for this source string."""
    with translation.override("id"):
        return str(gettext(str(text)) if isinstance(text, str) else text)


def month_back(count: int) -> date:
    return add_months(first_of_month(timezone.localdate()), -count)


def path_of(browser_page) -> str:
    return browser_page.page.url.removeprefix(browser_page.base_url).split("#")[0]


def submit(page, button):
    with page.expect_navigation():
        button.click()


@pytest.fixture
def registry(portal):
    """Reference data (gone after the previous live-server test's flush) and five poor heads of
    family registered in Samarinda, each with an open fakir miskin case."""
    load_default_categories(Category, CategoryAlias)
    load_default_business_types(BusinessType)
    ensure_rules_row(KubeRules)
    staff = User.objects.get(username="samarinda")
    niks = []
    for serial, (name, birth) in enumerate(MEMBERS, start=1):
        nik = f"{DISTRICT.replace('.', '')}{birth:%d%m}{birth.year % 100:02d}{serial:04d}"
        register(staff, name=name, nik=nik, category="FM", birth_date=birth)
        niks.append(nik)
    return niks


def stage_badge(page) -> str:
    return page.get_by_test_id("kube-stage").inner_text().strip()


def chart_points(page) -> int:
    chart = page.get_by_test_id("revenue-chart")
    return int(chart.get_attribute("data-points")) if chart.count() else 0


def register_group(browser_page) -> int:
    page = browser_page.page
    with page.expect_navigation():
        page.get_by_test_id("main-menu").get_by_role("link", name=id_("KUBE")).click()
    with page.expect_navigation():
        page.get_by_role("link", name=id_("Register a group")).click()
    page.fill("#id_name", GROUP_NAME)
    page.fill("#id_sk_number", "412/KUBE/DINSOS-SMD/2026")
    # Formed before its grant and first report (in January the form's default year is after them).
    page.fill("#id_year_formed", str(month_back(4).year))
    page.select_option("#id_business_type", label="Peternakan")
    page.fill("#id_business_description", "ayam petelur")
    page.fill("#id_bank_name", "Bank Kaltimtara")
    page.fill("#id_bank_account_number", "0031 2045 6789")
    page.fill("#id_bank_account_name", GROUP_NAME)
    page.fill("#id_pendamping_name", "Siti Rahmawati")
    page.fill("#id_reporting_from", month_back(3).strftime("%Y-%m"))
    submit(page, page.locator("main form").get_by_role("button", name=id_("Save")))
    match = re.fullmatch(r"/kube/(\d+)/anggota/tambah/", path_of(browser_page))
    assert match, f"the group was not saved: ended on {path_of(browser_page)}"
    return int(match.group(1))


def add_member(browser_page, kube_id: int, nik: str, name: str, role_label: str):
    page = browser_page.page
    browser_page.goto("kube:member-add", pk=kube_id)
    page.fill("#id_lookup", nik)
    submit(page, page.get_by_test_id("member-lookup").get_by_role("button", name=id_("Find")))
    assert name in page.get_by_test_id("found-person").inner_text()
    page.select_option("#id_role", label=id_(role_label))
    submit(page, page.get_by_role("button", name=id_("Add to the group")))
    assert path_of(browser_page) == reverse("kube:detail", args=[kube_id])
    assert name in page.get_by_test_id("members").inner_text()


def record_grant(browser_page):
    page = browser_page.page
    with page.expect_navigation():
        page.get_by_role("link", name=id_("Record a grant")).click()
    page.select_option("#id_source", value="apbn")
    page.fill("#id_amount", "20.000.000")
    granted_on = (month_back(4) + timedelta(days=14)).isoformat()
    page.fill("#id_granted_on", granted_on)
    page.fill("#id_reference", "SK Kadis Sosial Kaltim 460/2026")
    page.fill("#id_first_amount", "12.000.000")
    page.fill("#id_first_paid_on", granted_on)
    submit(page, page.locator("main form").get_by_role("button", name=id_("Save grant")))
    grants = page.get_by_test_id("grants").inner_text()
    assert "Rp 20.000.000" in grants
    assert "Rp 12.000.000" in grants  # the first stage paid
    assert "Rp 8.000.000" in grants  # still to pay


def fill_report(page, month: date, revenue: str):
    page.fill("#id_month", month.strftime("%Y-%m"))
    page.fill("#id_revenue", revenue)
    page.fill("#id_costs", "3.000.000")
    page.fill("#id_capital", "21.000.000")
    page.fill("#id_iks_collected", "100.000")
    page.fill("#id_meetings_held", "2")
    page.check("#id_bookkeeping_kept")


def record_report(browser_page, month: date, revenue: str):
    page = browser_page.page
    with page.expect_navigation():
        page.get_by_role("link", name=id_("Record a monthly report")).first.click()
    fill_report(page, month, revenue)
    submit(page, page.get_by_test_id("report-form").get_by_role("button", name=id_("Save report")))
    assert path_of(browser_page).startswith("/kube/"), "the report was not saved"
    assert month.strftime("%Y") in page.get_by_test_id("reports").inner_text()


def test_staff_form_a_group_record_a_grant_and_reports_and_see_the_stage_grow(
    registry, browser_page
):
    page = browser_page.page
    browser_page.log_in("samarinda")

    # 1. The group, then its five members found in the registry by NIK; the first one chairs.
    kube_id = register_group(browser_page)
    for index, (nik, (name, _birth)) in enumerate(zip(registry, MEMBERS, strict=True)):
        add_member(
            browser_page, kube_id, nik, name, "Chair (ketua)" if index == 0 else "Member (anggota)"
        )
    assert page.get_by_test_id("formation-problems").count() == 0
    # The account number is never shown whole.
    assert "********6789" in page.get_by_test_id("bank-account").inner_text()
    assert "003120456789" not in page.content()

    # 2. The grant, with its first stage paid. Still tumbuh: no report yet, no chart.
    record_grant(browser_page)
    assert stage_badge(page) == id_(Stage.TUMBUH.label)
    assert page.get_by_test_id("revenue-chart-empty").is_visible()

    # 3. Three monthly reports: the chart gains a point each time; the third makes it berkembang.
    seen = []
    for number, (back, revenue) in enumerate(
        [(3, "4.500.000"), (2, "5.000.000"), (1, "5.750.000")]
    ):
        record_report(browser_page, month_back(back), revenue)
        seen.append((chart_points(page), stage_badge(page)))
        browser_page.screenshot(f"kube-after-report-{number + 1}")
    tumbuh, berkembang = id_(Stage.TUMBUH.label), id_(Stage.BERKEMBANG.label)
    assert seen == [(1, tumbuh), (2, tumbuh), (3, berkembang)]
    revenue_line = page.locator("[data-testid=revenue-chart] g[data-series=revenue] polyline")
    assert len(revenue_line.get_attribute("points").split()) == 3
    breakdown = page.get_by_test_id("score-breakdown").inner_text()
    assert id_("Books kept in %(kept)s of %(n)s months") % {"kept": 3, "n": 3} in breakdown
    history = page.get_by_test_id("stage-history").inner_text()
    assert tumbuh in history and berkembang in history

    # 4. A second report for the last month is refused with its message; nothing changes.
    with page.expect_navigation():
        page.get_by_role("link", name=id_("Record a monthly report")).first.click()
    fill_report(page, month_back(1), "9.000.000")
    submit(page, page.get_by_test_id("report-form").get_by_role("button", name=id_("Save report")))
    assert path_of(browser_page) == reverse("kube:report-add", args=[kube_id])
    assert id_("There is a report for this month already; open it to correct it instead.") in (
        page.locator("main form").inner_text()
    )
    browser_page.screenshot("kube-second-report-refused")

    # 5. The regency's reporting completeness: every report expected from the group came in.
    # The page shows months up to the last one whose report is already due (in the first days of
    # a month, last month's report is not due yet), so the count follows the same rule.
    browser_page.goto("kube:completeness")
    table = page.get_by_test_id("completeness").inner_text()
    last_due = last_due_month(KubeRules.current(), timezone.localdate())
    due_months = [back for back in (3, 2, 1) if month_back(back) <= last_due]
    assert due_months in ([3, 2], [3, 2, 1])  # two months back is always due, last month may not be
    assert table.count("100%") == len(due_months)  # one regency row, one cell per due month
    assert page.get_by_test_id("missing-groups").count() == 0

    kube = Kube.objects.get(pk=kube_id)
    assert kube.reporting_from == month_back(3)
    assert kube.stage == Stage.BERKEMBANG
    assert kube.regency_id == "64.72"
    assert kube.bank_account_number == "003120456789"
    assert kube.members.filter(left_on__isnull=True).count() == 5
    assert list(kube.reports.order_by("month").values_list("revenue", flat=True)) == [
        4_500_000,
        5_000_000,
        5_750_000,
    ]
    assert kube.grants.get().disbursements.get().amount == 12_000_000


def test_balikpapan_staff_cannot_open_a_samarinda_group(registry, browser_page):
    samarinda = User.objects.get(username="samarinda")
    kube = Kube.objects.create(
        name=GROUP_NAME,
        registration_number="KUBE/64.72/2026/0001",
        year_formed=2026,
        regency=samarinda.regency,
        business_type=BusinessType.objects.get(code="peternakan"),
        status_since=timezone.localdate(),
        reporting_from=month_back(1),
    )
    browser_page.log_in("balikpapan")
    response = browser_page.goto("kube:detail", pk=kube.pk)
    assert response.status == 404
    assert GROUP_NAME not in browser_page.page.content()
    browser_page.goto("kube:list")
    assert GROUP_NAME not in browser_page.page.get_by_test_id("kube-table").inner_text()
