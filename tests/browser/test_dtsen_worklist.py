"""The province's data flows as the offices meet them, in Chromium (issue #15): the provincial
officer imports one case file for the whole province, which lands in each regency as that
regency's batch and cases; then a DTSEN extract; each regency's staff see their own rows and
worklist only; a Samarinda staff member works an item through "diproses" to "selesai", and its
history says so. The worklist and an item also fit a phone.

The ORM only prepares one person of the registry (the one the extract lists) and checks what
was stored.
"""

from datetime import date

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from accounts.models import User
from cases.categories_data import load_default_categories
from cases.models import Case, Category, CategoryAlias, ImportBatch, Person
from dtsen.models import Extract, ItemStatus, WorklistItem
from tests.browser.conftest import OFFICE_LAPTOP, _open_page
from tests.cases.test_import import balikpapan_village, row
from tests.cases.test_import import csv_bytes as case_csv
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
    """One person with an open case in the registry, and the extract that lists them."""
    load_default_categories(Category, CategoryAlias)
    samarinda = User.objects.get(username="samarinda")
    listed = register(
        samarinda, name=LISTED, nik="6472054309830002", sex="P", birth_date=date(1983, 9, 3)
    ).person
    return csv_bytes([row_of(listed, decile=3)])


@pytest.fixture
def province_file(extract_file):
    """The province's case file: a person of Samarinda and one of Balikpapan, and a row of
    another province that belongs to no regency here."""
    adult = {"kategori": "FM", "tanggal_ditemukan": "2026-02-02"}
    return case_csv(
        [
            row(nama=ABSENT, nik="6472051105910001", tanggal_lahir="1991-05-11", **adult),
            row(
                nama=NEIGHBOUR,
                nik="6471012201750003",
                tanggal_lahir="1975-01-22",
                tempat_lahir="Balikpapan",
                kode_wilayah=balikpapan_village(),
                **adult,
            ),
            row(nama="Orang Banjarmasin", kode_wilayah="63.71", **adult),
        ]
    )


def wait_until_loaded(page):
    """The extract's page says it loaded; if it does not, the failure says where it stopped."""
    try:
        page.get_by_test_id("extract-loaded").wait_for()
    except Exception as error:
        state = list(Extract.objects.values("pk", "status", "failure", "errors"))
        raise AssertionError(
            f"not loaded: {state}; page {page.url}: {page.inner_text('main')[:600]}"
        ) from error


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
    extract_file, province_file, browser_page, colleague, phone_page
):
    page = browser_page.page

    # 0. The provincial officer imports the province's case file from the case list: checked
    # per regency, then saved, each row as a case of its regency.
    browser_page.log_in("provinsi")
    browser_page.goto("cases:list")
    with page.expect_navigation():
        page.get_by_test_id("province-import-link").click()
    page.set_input_files(
        "#id_file", {"name": "provinsi.csv", "mimeType": "text/csv", "buffer": province_file}
    )
    submit(page, page.get_by_role("button", name=id_("Upload and check")))
    parts = page.get_by_test_id("province-import-parts")
    assert parts.locator("tbody tr").count() == 3  # Balikpapan, Samarinda, no regency
    assert "63.71" in page.get_by_test_id("province-import-held").inner_text()
    submit(page, page.get_by_role("button", name=id_("Save the valid rows")))
    page.get_by_test_id("import-committed").wait_for()
    assert sorted(
        Case.objects.filter(person__name__in=[ABSENT, NEIGHBOUR]).values_list(
            "regency_id", flat=True
        )
    ) == ["64.71", "64.72"]

    # 1. The provincial officer uploads DTSEN triwulan III 2025 from the worklist's link.
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
    wait_until_loaded(page)
    assert "DTSEN triwulan III 2025" in page.locator("h1").inner_text()
    assert Extract.objects.get().status == Extract.Status.LOADED
    assert sorted(worklist_names(browser_page)) == sorted([ABSENT, NEIGHBOUR])

    # 2. Balikpapan's staff see their share of the province file, and Balikpapan's item only;
    # Samarinda's share and item are a 404 to them.
    colleague.log_in("balikpapan")
    colleague.goto("cases:import-upload")
    imports = colleague.page.get_by_test_id("import-list").locator("tbody tr")
    assert imports.count() == 1
    with colleague.page.expect_navigation():
        imports.get_by_role("link").click()
    assert colleague.page.get_by_test_id("import-province-part").is_visible()
    rows_read = colleague.page.get_by_test_id("import-counts").locator("dd").first
    assert rows_read.inner_text() == "1"
    samarinda_part = ImportBatch.objects.get(regency_id="64.72")
    assert colleague.goto("cases:import-detail", pk=samarinda_part.pk).status == 404
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
