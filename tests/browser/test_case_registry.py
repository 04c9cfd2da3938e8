"""The case registry as a regency's staff meet it, in Chromium: a Samarinda social worker registers
a street child, records an intervention and resolves the case; a Balikpapan colleague can neither
find the child by name or NIK nor open the records by their URLs.

Every action goes through the pages. The ORM only loads regions, users and categories (a live
server test starts from a flushed database) and checks what was stored at the end.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from cases.categories_data import load_default_categories
from cases.models import (
    Case,
    CaseSource,
    CaseStatus,
    Category,
    CategoryAlias,
    InterventionType,
    Person,
    Programme,
    Sex,
)
from regions.models import Region
from tests.browser.conftest import OFFICE_LAPTOP, _open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHILD_NAME = "Rizki Ananda Pratama"
# 64.72.05 = Samarinda Utara; 170512 = born 17 May 2012, a boy (day not +40); serial 0003.
CHILD_NIK = "6472051705120003"
CHILD_BIRTH_DATE = "2012-05-17"
DISTRICT_CODE = "64.72.05"  # Samarinda Utara
VILLAGE_CODE = "64.72.05.1002"  # Sempaja Selatan
PROVIDER = "Rumah Singgah Dinsos Samarinda"
OUTCOME = "Dikembalikan kepada orang tua di Sempaja Selatan"


def id_(text) -> str:
    """What the portal shows in Indonesian, its default language, for this source string."""
    with translation.override("id"):
        return str(gettext(str(text)) if isinstance(text, str) else text)


def iso(days_ago: int) -> str:
    return (timezone.localdate() - timedelta(days=days_ago)).isoformat()


@pytest.fixture
def categories(portal):
    """The 26 categories, which the flush of the previous live-server test removed."""
    load_default_categories(Category, CategoryAlias)


@pytest.fixture
def colleague_page(chromium, portal):
    """A second browser (own context, own cookies) for a colleague from another regency."""
    context, page = _open_page(chromium, portal, OFFICE_LAPTOP)
    yield page
    context.close()
    page.assert_no_script_errors()


def path_of(browser_page) -> str:
    return browser_page.page.url.removeprefix(browser_page.base_url)


def submit(page, button):
    """Clicks a submit button and waits for the page the server answers with (POST, redirect)."""
    with page.expect_navigation():
        button.click()


def status_badge(page) -> str:
    return page.get_by_test_id("case-status").inner_text().strip()


def open_case_list_from_menu(browser_page):
    page = browser_page.page
    cases_link = page.get_by_test_id("main-menu").get_by_role("link", name=id_("Cases"))
    with page.expect_navigation():
        cases_link.click()
    assert path_of(browser_page) == reverse("cases:list")


def search_cases(browser_page, text) -> list[str]:
    """Types into the list's search box like a person; returns the names in the result rows."""
    page = browser_page.page
    page.get_by_label(id_("Search by name or NIK")).fill(text)
    submit(page, page.get_by_role("search").get_by_role("button", name=id_("Search")))
    # The text travels by POST and is kept in the session: never in the address bar.
    assert text not in page.url
    # The filter panel stays folded for a search: the results are what the person looks at.
    assert page.get_by_test_id("case-filters").get_attribute("open") is None
    rows = page.locator("main table tbody tr").filter(has=page.locator("a[href]"))
    return [name.strip() for name in rows.locator("td:first-child").all_inner_texts()]


def register_child(browser_page) -> int:
    """From the case list to a saved person; returns the person's id from the next page's URL."""
    page = browser_page.page
    with page.expect_navigation():
        page.get_by_role("link", name=id_("Register a person")).click()
    assert path_of(browser_page) == reverse("cases:person-create")
    assert page.locator("main h1").inner_text() == id_("Register a person")

    # Django 6's empty choice, "- Select an option -", comes in Indonesian (locale/id) too.
    assert page.locator("#id_village option[value='']").inner_text() == id_("- Select an option -")
    assert "Select an option" not in page.locator("main").inner_text()

    page.fill("#id_nik", CHILD_NIK)
    page.fill("#id_name", CHILD_NAME)
    page.select_option("#id_sex", label=id_(Sex.MALE.label))
    page.fill("#id_birth_place", "Samarinda")
    page.fill("#id_birth_date", CHILD_BIRTH_DATE)
    page.fill("#id_guardian_name", "Siti Aminah")
    page.fill("#id_guardian_relation", "Ibu")
    submit(page, page.locator("main form").get_by_role("button", name=id_("Save")))

    # NIK, sex and birth date agree: no warning to confirm, straight on to the case form.
    match = re.fullmatch(r"/kasus/orang/(\d+)/kasus-baru/", path_of(browser_page))
    assert match, f"the person was not saved: ended on {path_of(browser_page)}"
    return int(match.group(1))


def open_street_child_case(browser_page) -> int:
    page = browser_page.page
    assert CHILD_NAME in page.locator("main h1").inner_text()
    street_children = Category.objects.get(code="AJ")
    page.select_option("#id_category", label=str(street_children))
    page.select_option("#id_district", label=Region.objects.get(code=DISTRICT_CODE).name)
    village = Region.objects.select_related("parent").get(code=VILLAGE_CODE)
    # Villages are listed with their district, as several regencies repeat village names.
    page.select_option("#id_village", label=f"{village.name} ({village.parent.name})")
    page.fill("#id_found_on", iso(30))
    page.select_option("#id_source", label=id_(CaseSource.OUTREACH.label))
    page.fill("#id_notes", "Ditemukan mengamen di simpang Lembuswana.")
    submit(page, page.locator("main form").get_by_role("button", name=id_("Save")))

    match = re.fullmatch(r"/kasus/(\d+)/", path_of(browser_page))
    assert match, f"the case was not saved: ended on {path_of(browser_page)}"
    return int(match.group(1))


def record_intervention(browser_page):
    page = browser_page.page
    section = page.locator("section[aria-labelledby=interventions-title]")
    section.locator("summary", has_text=id_("Record an intervention")).click()
    form = section.locator("form")
    form.locator("#id_date").fill(iso(20))
    form.locator("#id_type").select_option(label=id_(InterventionType.REUNIFICATION.label))
    form.locator("#id_provider").fill(PROVIDER)
    form.locator("#id_outcome").fill(OUTCOME)
    submit(page, form.get_by_role("button", name=id_("Save intervention")))

    rows = page.locator("section[aria-labelledby=interventions-title] tbody tr")
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert PROVIDER in row
    assert OUTCOME in row
    assert id_(InterventionType.REUNIFICATION.label) in row


def change_status(browser_page, action_label, days_ago):
    page = browser_page.page
    form = page.locator("section[aria-labelledby=transition-title] form")
    form.locator("#id_to_status").select_option(label=id_(action_label))
    form.locator("#id_effective_on").fill(iso(days_ago))
    submit(page, form.get_by_role("button", name=id_("Change status")))
    assert page.get_by_role("status").inner_text().strip() == id_("Status changed.")


def test_staff_resolve_a_street_child_case_that_another_regency_cannot_see(
    categories, browser_page, colleague_page
):
    page = browser_page.page

    # 1. Samarinda registers the child and opens a street-child case.
    browser_page.log_in("samarinda")
    open_case_list_from_menu(browser_page)
    person_id = register_child(browser_page)
    case_id = open_street_child_case(browser_page)
    assert status_badge(page) == id_(CaseStatus.REGISTERED.label) == "Terdaftar"
    assert page.get_by_text(id_(Programme.STREET_CHILDREN.label), exact=True).is_visible()
    assert page.get_by_text(id_("still open against the target"), exact=True).is_visible()

    # 2. An intervention: reunited with the family.
    record_intervention(browser_page)

    # 3. Verified → in handling → resolved; the case stops counting against the target.
    for action, status, days_ago in [
        ("Verify", CaseStatus.VERIFIED, 28),
        ("Start handling", CaseStatus.IN_HANDLING, 25),
        ("Resolve", CaseStatus.RESOLVED, 2),
    ]:
        change_status(browser_page, action, days_ago)
        assert status_badge(page) == id_(status.label)
    assert status_badge(page) == "Selesai ditangani"
    assert page.get_by_text(id_("no longer counts against the target"), exact=True).is_visible()
    assert not page.get_by_text(id_("still open against the target"), exact=True).count()
    history = page.locator("section[aria-labelledby=transitions-title] li").all_inner_texts()
    assert len(history) == 4, history  # registered, then the three changes
    browser_page.screenshot("case-street-child-resolved-samarinda")

    # Its own staff find the child by name and by NIK: the searches below do work.
    open_case_list_from_menu(browser_page)
    assert search_cases(browser_page, CHILD_NAME) == [CHILD_NAME]
    assert search_cases(browser_page, CHILD_NIK) == [CHILD_NAME]

    # 4. A Balikpapan colleague: nothing by name, nothing by NIK, 404 by URL.
    colleague = colleague_page.page
    colleague_page.log_in("balikpapan")
    open_case_list_from_menu(colleague_page)
    assert CHILD_NAME not in colleague.locator("main").inner_text()
    for text in (CHILD_NAME, "Rizki", CHILD_NIK):
        assert search_cases(colleague_page, text) == [], f"Balikpapan found {text!r}"
        assert colleague.locator("main table tbody").inner_text().strip() == id_("No cases match.")

    for url in (
        reverse("cases:detail", args=[case_id]),
        reverse("cases:edit", args=[case_id]),
        reverse("cases:person-detail", args=[person_id]),
        reverse("cases:person-edit", args=[person_id]),
        reverse("cases:case-create", args=[person_id]),
    ):
        response = colleague_page.goto(url)
        assert response.status == 404, f"Balikpapan opened {url}: {response.status}"
        assert colleague.locator("main h1").inner_text() == id_("Not found")
        content = colleague.content()
        assert CHILD_NAME not in content
        assert CHILD_NIK not in content
        if url == reverse("cases:detail", args=[case_id]):
            colleague_page.screenshot("case-balikpapan-opens-samarinda-404")

    # What the pages did is what was stored.
    person = Person.objects.get(pk=person_id)
    assert (person.name, person.nik, person.sex, person.regency_id) == (
        CHILD_NAME,
        CHILD_NIK,
        Sex.MALE,
        "64.72",
    )
    assert person.birth_date.isoformat() == CHILD_BIRTH_DATE
    case = Case.objects.get(pk=case_id)
    assert case.person_id == person_id
    assert (case.category.code, case.programme, case.regency_id) == (
        "AJ",
        Programme.STREET_CHILDREN,
        "64.72",
    )
    assert (case.district_id, case.village_id, case.source) == (
        DISTRICT_CODE,
        VILLAGE_CODE,
        CaseSource.OUTREACH,
    )
    assert case.status == CaseStatus.RESOLVED
    assert case.status_changed_on.isoformat() == iso(2)
    assert list(case.transitions.order_by("pk").values_list("to_status", flat=True))[-3:] == [
        CaseStatus.VERIFIED,
        CaseStatus.IN_HANDLING,
        CaseStatus.RESOLVED,
    ]
    assert {t.by.username for t in case.transitions.exclude(from_status="")} == {"samarinda"}
    intervention = case.interventions.get()
    assert (intervention.type, intervention.provider, intervention.created_by.username) == (
        InterventionType.REUNIFICATION,
        PROVIDER,
        "samarinda",
    )
    balikpapan = User.objects.get(username="balikpapan")
    assert not Case.objects.visible_to(balikpapan).filter(pk=case_id).exists()
    assert not Person.objects.visible_to(balikpapan).filter(pk=person_id).exists()
