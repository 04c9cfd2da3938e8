"""Reproducible report files: the same figures give the same PDF and XLSX bytes whenever they
are built, and every time printed in them is in WITA with the zone named."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine

from reports import content, render, summary
from reports.periods import parse_period
from tests.reports.conftest import pdf_strings
from tests.reports.histories import open_case

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture
def report(samarinda, samarinda_staff):
    # The summary refreshed at 01:30 UTC = 09:30 WITA.
    with time_machine.travel(datetime(2026, 12, 2, 9, 30, tzinfo=WITA)):
        open_case(samarinda_staff, name="Rudi", found_on=date(2026, 10, 3))
        summary.refresh()
        figures = content.build_content(samarinda, parse_period("2026-11"))
    return figures, content.content_hash(figures)


def build(figures, digest, writer, at: datetime) -> bytes:
    with time_machine.travel(at):
        buffer = io.BytesIO()
        writer(figures, digest, "November 2026", buffer)
        return buffer.getvalue()


@pytest.mark.parametrize("writer", [render.write_xlsx, render.write_pdf])
def test_the_same_figures_give_the_same_bytes_at_any_time(report, writer):
    figures, digest = report
    first = build(figures, digest, writer, datetime(2026, 12, 2, 10, tzinfo=WITA))
    later = build(figures, digest, writer, datetime(2026, 12, 9, 16, 45, 13, tzinfo=WITA))
    assert first == later


def test_times_in_the_files_are_in_wita_with_the_zone_named(report):
    figures, digest = report
    workbook = openpyxl.load_workbook(
        io.BytesIO(build(figures, digest, render.write_xlsx, datetime(2026, 12, 3))),
    )
    cells = {row[0]: row[1] for row in workbook["Report"].iter_rows(values_only=True)}
    assert cells["Data as of"] == "2 Dec 2026 09:30 WITA"
    assert workbook.properties.modified == datetime(2026, 12, 2, 9, 30)
    pdf = " ".join(pdf_strings(build(figures, digest, render.write_pdf, datetime(2026, 12, 3))))
    assert "2 Dec 2026 09:30 WITA" in pdf
    assert "01:30" not in pdf
