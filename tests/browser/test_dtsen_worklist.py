"""DTSEN as the offices meet it, in Chromium (issue #15): the provincial officer imports an
extract in the browser; each regency's staff see their own worklist only; a Samarinda staff
member works an item through "diproses" to "selesai", and its history says so. The worklist and
an item also fit a phone.

The ORM only prepares the registry (persons with open cases, through the case services) and
checks what was stored.
"""

from datetime import date

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from accounts.models import User
from cases.categories_data import load_default_categories
from cases.models import Category, CategoryAlias, Person
from dtsen.models import Extract, ItemStatus, WorklistItem
from tests.browser.conftest import OFFICE_LAPTOP, _open_page
from tests.dtsen.conftest import csv_bytes, eager_celery, row_of
from tests.factories import register

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures(eager_celery.__name__),
]

ABSENT = "Rusdi Ansyari"  # an open case, not in DTSEN: to be proposed at the musdes
LISTED = "Norhayati Rahman"  # in DTSEN, decile 3
NEIGHBOUR = "Ambo Tang"  # Balikpapan's, not in DTSEN


def id_(text) -> str:
    with translation.override("id"):
        return gettext(text)


def submit(page, button):
    with page.expect_navigation():
        button.click()


@pytest.fixture
def extract_file(portal):
    """Three persons with open cases in the registry, and the extract that lists one of them."""
    load_default_categories(Category, CategoryAlias)
    samarinda = User.objects.get(username="samarinda")
    balikpapan = User.objects.get(username="balikpapan")
    register(samarinda, name=ABSENT, nik="6472051105910001", birth_date=date(1991, 5, 11))
    listed = register(
        samarinda, name=LISTED, nik="6472054309830002", sex="P", birth_date=date(1983, 9, 3)
    ).person
    register(balikpapan, name=NEIGHBOUR, nik="6471012201750003", birth_date=date(1975, 1, 22))
    return csv_bytes([row_of(listed, decile=3)])


@pytest.fixture
def colleague(chromium, portal):
    context, page = _open_page(chromium, portal, OFFICE_LAPTOP)
    yield page
    context.close()
    page.assert_no_script_errors()


def worklist_names(browser_page) -> list[str]:
    browser_page.goto("dtsen:worklist")
    rows = browser_page.page.get_by_test_id("worklist").locator("tbody tr td:first-child a")
    return rows.all_inner_texts()


def test_an_officer_imports_each_regency_sees_its_own_and_staff_finish_an_item(
    extract_file, browser_page, colleague, phone_page
):
    page = browser_page.page

    # 1. The provincial officer uploads DTSEN triwulan III 2025 from the worklist's link.
    browser_page.log_in("provinsi")
    with page.expect_navigation():
        page.get_by_test_id("main-menu").get_by_role("link", name="DTSEN").click()
    with page.expect_navigation():
        page.get_by_role("link", name=id_("DTSEN extracts")).first.click()
    page.fill("#id_year", "2025")
    page.select_option("#id_quarter", label="III")
    page.set_input_files(
        "#id_file", {"name": "dtsen.csv", "mimeType": "text/csv", "buffer": extract_file}
    )
    submit(page, page.get_by_role("button", name=id_("Upload and load")))
    page.get_by_test_id("extract-loaded").wait_for()
    assert "DTSEN triwulan III 2025" in page.locator("h1").inner_text()
    assert Extract.objects.get().status == Extract.Status.LOADED
    assert sorted(worklist_names(browser_page)) == sorted([ABSENT, NEIGHBOUR])

    # 2. Balikpapan's staff see Balikpapan's item only, and Samarinda's is a 404 to them.
    colleague.log_in("balikpapan")
    assert worklist_names(colleague) == [NEIGHBOUR]
    samarinda_item = WorklistItem.objects.get(person__name=ABSENT)
    response = colleague.goto("dtsen:item", pk=samarinda_item.pk)
    assert response.status == 404

    # 3. Samarinda's staff take the item, then finish it; the history shows both steps.
    phone_page.log_in("samarinda")
    assert worklist_names(phone_page) == [ABSENT]
    phone = phone_page.page
    with phone.expect_navigation():
        phone.get_by_role("link", name=ABSENT).click()
    assert phone_page.horizontal_overflow() == 0
    with translation.override("id"):
        in_progress = pgettext("worklist item", "In progress")
        done = pgettext("worklist item", "Done")
    phone.select_option("#id_status", label=in_progress)
    submit(phone, phone.get_by_role("button", name=id_("Save")))
    assert phone.get_by_test_id("item-status").inner_text().startswith("Diproses")
    phone.select_option("#id_status", label=done)
    phone.fill("#id_reason", "Diusulkan di musdes Kelurahan Sempaja")
    submit(phone, phone.get_by_role("button", name=id_("Save")))
    assert phone.get_by_test_id("item-status").inner_text().startswith("Selesai")
    history = phone.locator("[data-testid=history-changes] > li").all_inner_texts()
    assert len(history) == 2, history
    samarinda_item.refresh_from_db()
    assert samarinda_item.status == ItemStatus.DONE
    assert samarinda_item.owner.username == "samarinda"
    phone_page.screenshot("dtsen-item-done-phone")

    # The finished item leaves the open list; the person page shows the decile of the listed.
    assert worklist_names(phone_page) == []
    listed = Person.objects.get(name=LISTED)
    phone_page.goto("cases:person-detail", pk=listed.pk)
    assert phone.get_by_test_id("dtsen-decile").inner_text() == "Desil 3 (DTSEN triwulan III 2025)"
    assert phone_page.horizontal_overflow() == 0
