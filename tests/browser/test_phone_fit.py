"""Every page of every role's menu fits a 390 px phone without sideways scrolling (#14 point 4),
and the pages a clerk opens from them: a case (with its details, attachments and history), a
person, a KUBE group. Measured as the browser sees it: document.scrollingElement.scrollWidth.

Wide tables scroll inside their own box (Bootstrap's .table-responsive): that is allowed, the
page itself may not scroll.
"""

import pytest
from django.urls import reverse

from accounts.models import User
from cases.categories_data import load_default_categories
from cases.models import Category, CategoryAlias
from kube.models import BusinessType, KubeRules
from kube.reference_data import ensure_rules_row, load_default_business_types
from tests.browser.conftest import OFFICE_LAPTOP, PHONE, _open_page
from tests.factories import register
from tests.kube.conftest import new_group

pytestmark = pytest.mark.browser

ROLES = ["admin", "provinsi", "samarinda", "samarinda_lihat"]
PAGE_WIDTH_JS = "document.scrollingElement.scrollWidth"


@pytest.fixture
def records(portal):
    """A street child's case (long words, an intervention table, the history) and a KUBE group of
    Samarinda, which the regency roles open from their lists."""
    load_default_categories(Category, CategoryAlias)
    load_default_business_types(BusinessType)
    ensure_rules_row(KubeRules)
    staff = User.objects.get(username="samarinda")
    case = register(staff, name="Muhammad Rizky Ramadhan Saputra Wijayakusuma", category="AJ")
    kube = new_group(staff, name="KUBE Sejahtera Bersama Makmur Sentosa Abadi")
    return {"case": case, "kube": kube}


def _pages_of(page, role: str, records) -> list[str]:
    links = page.page.locator("[data-testid=main-menu] a[data-menu]")
    paths = [link.get_attribute("href") for link in links.all()]
    if role in ("samarinda", "samarinda_lihat", "provinsi"):
        paths += [
            reverse("cases:detail", args=[records["case"].pk]),
            reverse("cases:person-detail", args=[records["case"].person_id]),
            reverse("kube:detail", args=[records["kube"].pk]),
        ]
    if role == "samarinda":
        paths += [
            reverse("cases:edit", args=[records["case"].pk]),
            reverse("kube:edit", args=[records["kube"].pk]),
        ]
    return list(dict.fromkeys(paths))


def _too_wide(page, paths: list[str], width: int) -> dict[str, int]:
    wide = {}
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        measured = page.page.evaluate(PAGE_WIDTH_JS)
        if measured > width:
            wide[path] = measured
    return wide


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_menu_fits_a_phone(chromium, portal, records, role):
    context, page = _open_page(chromium, portal, PHONE, is_mobile=True, has_touch=True)
    try:
        page.log_in(role)
        paths = _pages_of(page, role, records)
        assert len(paths) >= 5, paths
        wide = _too_wide(page, paths, PHONE["width"])
        assert not wide, f"pages wider than the phone for {role}: {wide}"
        page.assert_no_script_errors()
    finally:
        context.close()


@pytest.mark.parametrize("role", ["admin", "samarinda"])
def test_the_widest_menus_fit_an_office_laptop(chromium, portal, records, role):
    # The administrators' menu, and the regency staff's with the longest name badge, each with
    # an administration dropdown beside the language picker.
    context, page = _open_page(chromium, portal, OFFICE_LAPTOP)
    try:
        page.log_in(role)
        wide = _too_wide(page, _pages_of(page, role, records), OFFICE_LAPTOP["width"])
        assert not wide, f"pages wider than 1366 px: {wide}"
    finally:
        context.close()


def test_the_case_and_kube_lists_show_the_status_on_a_phone_without_scrolling(phone_page, records):
    phone_page.log_in("samarinda")
    for url_name, table, status_column in (
        ("cases:list", "case-table", 4),
        ("kube:list", "kube-table", 6),
    ):
        phone_page.goto(url_name)
        status = phone_page.page.locator(
            f"[data-testid={table}] tbody tr:first-child td:nth-child({status_column})"
        )
        box = status.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], url_name
