"""A clerk's day without friction (#14 points 1, 2, 3, 5, 10), at 1366×768 and at 390×844:
people's words instead of stored codes, a history whose changes are not drowned by the reads,
the sign-in, the language picker and the icon, the village list that follows the district, the
report period chosen from lists, and the tuna susila details."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from accounts.services import user_set_active
from audit.history import READS_LISTED
from audit.models import AuditEvent
from cases import services
from cases.categories_data import load_default_categories
from cases.models import (
    Category,
    CategoryAlias,
    FirstContact,
    SchoolStatus,
    StreetActivity,
    StreetChildDetail,
)
from kube.models import BusinessType, KubeRules
from kube.reference_data import ensure_rules_row, load_default_business_types
from regions.models import Region
from tests.browser.conftest import OFFICE_LAPTOP, PHONE, _open_page
from tests.factories import register

pytestmark = pytest.mark.browser

VIEWPORTS = {"laptop": OFFICE_LAPTOP, "phone": PHONE}


def id_(text) -> str:
    with translation.override("id"):
        return str(gettext(str(text)))


@pytest.fixture(params=VIEWPORTS)
def page(request, chromium, portal):
    viewport = VIEWPORTS[request.param]
    phone = viewport is PHONE
    context, browser_page = _open_page(chromium, portal, viewport, is_mobile=phone, has_touch=phone)
    browser_page.viewport = viewport
    yield browser_page
    context.close()
    browser_page.assert_no_script_errors()


@pytest.fixture
def reference(portal):
    load_default_categories(Category, CategoryAlias)
    load_default_business_types(BusinessType)
    ensure_rules_row(KubeRules)


@pytest.fixture
def street_child(reference):
    """A street child's case with its details changed twice and opened 31 times by 3 people."""
    staff = User.objects.get(username="samarinda")
    case = register(staff, name="Rizky Ramadhan", category="AJ")
    detail = StreetChildDetail(case=case)
    services.case_detail_save(
        actor=staff,
        case=case,
        detail=detail,
        data={"location_found": "Simpang Lembuswana", "activity": StreetActivity.VENDING},
    )
    services.case_detail_save(
        actor=staff,
        case=case,
        detail=detail,
        data={"activity": StreetActivity.BUSKING, "school_status": SchoolStatus.DROPPED_OUT},
    )
    readers = User.objects.filter(username__in=["samarinda", "provinsi", "samarinda_lihat"])
    for number in range(31):
        reader = readers[number % 3]
        services.record_view(actor=reader, obj=case, regency_id=case.regency_id)
    return case


def _fits(page):
    width = page.page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= page.viewport["width"], f"{page.page.url} is {width} px wide"


def test_a_case_reads_in_words_with_its_changes_in_full_and_its_reads_summed_up(page, street_child):
    page.log_in("samarinda_lihat")
    page.goto("cases:detail", street_child.pk)
    details = page.page.locator("[data-testid=case-details]").inner_text()
    assert id_(StreetActivity.BUSKING.label) in details
    assert id_(SchoolStatus.DROPPED_OUT.label) in details
    changes = page.page.locator("[data-testid=history-changes] > li")
    assert changes.count() >= 3  # created, and the two saves of the details
    history = page.page.locator("[data-testid=history]").inner_text()
    assert f"{id_('activity').capitalize()}: {id_(StreetActivity.VENDING.label)} → " in history
    # This opening is the 32nd read, by the third person.
    reads = page.page.locator("[data-testid=history-reads]")
    assert "Dilihat 32 kali oleh 3 orang; terakhir" in reads.inner_text()
    assert not reads.locator("li").first.is_visible()
    reads.locator("summary").click()
    # The newest READS_LISTED of them; the access log, for an administrator, has all 32.
    assert reads.locator("li").count() == READS_LISTED < 32
    assert f"Ditampilkan {READS_LISTED} akses terakhir; administrator" in reads.inner_text()
    text = page.page.locator("main").inner_text()
    for code in ("busking", "dropped_out", "streetchilddetail", "True", "False", "#1."):
        assert code not in text
    _fits(page)


def test_the_administrators_access_log_is_filtered_by_person_and_record(page, street_child):
    page.log_in("admin")
    page.goto("cases:detail", street_child.pk)
    reads = page.page.locator("[data-testid=history-reads]")
    reads.locator("summary").click()
    with page.page.expect_navigation():
        reads.get_by_role("link").click()
    rows = page.page.locator("[data-testid=access-log] tbody tr")
    assert rows.count() == 25  # the first page of the 32 reads
    page.page.fill("#id_actor", "provinsi")
    with page.page.expect_navigation():
        page.page.click("[data-testid=access-log-filters] button[type=submit]")
    officer = User.objects.get(username="provinsi")
    assert rows.count() == AuditEvent.objects.filter(actor=officer, action="view").count() > 0
    assert set(rows.locator("td:nth-child(2)").all_inner_texts()) == {str(officer)}
    _fits(page)


def test_tuna_susila_details_are_recorded_and_read_in_words(page, reference):
    staff = User.objects.get(username="samarinda")
    case = register(staff, name="Siti Aminah", category="TS", sex="P")
    page.log_in("samarinda")
    page.goto("cases:detail", case.pk)
    form = page.page.locator("form[action$='/rincian/']")
    form.locator("#id_location_found").fill("Jalan Pahlawan")
    form.locator("#id_first_contact").select_option(FirstContact.OWN_REQUEST.value)
    form.locator("#id_shelter").fill("Panti Rehabilitasi Sosial Samarinda")
    form.locator("#id_training").fill("Menjahit")
    with page.page.expect_navigation():
        form.locator("button[type=submit]").click()
    history = page.page.locator("[data-testid=history]").inner_text()
    assert f"{id_('first contact').capitalize()}: {id_(FirstContact.OWN_REQUEST.label)}" in history
    assert id_("skills programme").capitalize() in history
    _fits(page)


def test_sign_in_language_picker_and_icon(page, portal):
    user_set_active(
        actor=User.objects.get(username="admin"),
        user=User.objects.get(username="balikpapan"),
        active=False,
        reason="moved",
    )
    page.goto("login")
    page.page.fill("#id_username", "balikpapan")
    page.page.fill("#id_password", "Kaltim-Demo-2026")
    page.page.click("main form button[type=submit]")
    error = page.page.locator("main .alert").inner_text()
    assert "dinonaktifkan" in error and "nama pengguna nama pengguna" not in error
    page.page.fill("#id_password", "not the password")
    page.page.click("main form button[type=submit]")
    assert "Nama pengguna atau kata sandi tidak benar" in page.page.locator("main").inner_text()

    icon = page.page.request.get(page.base_url + "/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"] in (
        "image/x-icon",
        "image/vnd.microsoft.icon",
    )

    page.log_in("samarinda")
    if page.viewport is PHONE:
        page.page.click(".navbar-toggler")
        # Visible while Bootstrap's collapse still animates ("collapsing"); clicked only once it
        # settles, or a loaded machine clicks the button where it was a frame ago.
        page.page.wait_for_selector("#main-menu.collapse.show")
    english = page.page.locator("[data-testid=language-picker] button[value=en]")
    english.wait_for(state="visible")
    box = english.bounding_box()
    assert box["width"] >= 24 and english.inner_text().startswith("EN")
    with page.page.expect_navigation():
        english.click()
    assert page.html_lang() == "en"
    _fits(page)


def test_the_village_list_follows_the_district_in_the_case_and_kube_forms(page, reference):
    staff = User.objects.get(username="samarinda")
    case = register(staff, name="Budi Santoso", category="AJ")
    district = Region.objects.filter(code__startswith="64.72.", level="district").order_by("code")[
        1
    ]
    page.log_in("samarinda")
    for url in (
        reverse("cases:case-create", args=[case.person_id]),
        reverse("kube:create"),
    ):
        page.goto(url)
        villages = page.page.locator("#id_village option[data-district]")
        everywhere = villages.count()
        page.page.select_option("#id_district", district.code)
        shown = page.page.locator("#id_village option[data-district]:not([hidden])")
        expected = Region.objects.filter(parent=district, level="village").count()
        assert 0 < shown.count() == expected < everywhere
        assert set(shown.evaluate_all("os => os.map(o => o.dataset.district)")) == {district.code}
        _fits(page)


def test_the_report_period_is_chosen_from_months_quarters_and_years(page, reference):
    page.log_in("samarinda")
    page.goto("reports:runs")
    groups = page.page.locator("#id_period optgroup")
    assert groups.evaluate_all("gs => gs.map(g => g.label)") == ["Bulan", "Triwulan", "Tahun"]
    labels = page.page.locator("#id_period option").all_inner_texts()
    assert any(label.startswith("Triwulan ") for label in labels)
    assert all("." not in label for label in labels)  # "Tahun 2026", never "2.026"
    _fits(page)
