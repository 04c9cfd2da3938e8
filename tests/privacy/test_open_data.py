"""The public open-data page: aggregates only, small counts safe, cacheable, downloadable."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import Category
from privacy import opendata
from privacy.suppression import SMALL, TOTAL
from reports import figures, summary
from tests.privacy.disclosure import pinned_in
from tests.reports.conftest import register

pytestmark = pytest.mark.django_db

NOVEMBER = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Makassar"))
NAMES = [f"Anak Samarinda {i}" for i in range(7)] + ["Dewi Lestari", "Sari Balikpapan"]


@pytest.fixture
def registry(samarinda_staff, balikpapan_staff):
    """Seven street children in Samarinda, two in Balikpapan, one KFM case in Balikpapan."""
    with time_machine.travel(NOVEMBER, tick=False):
        for name in NAMES[:7]:
            register(samarinda_staff, name=name)
        for name in NAMES[7:]:
            register(balikpapan_staff, name=name, sex="P")
        summary.refresh()
        yield


def test_anyone_reads_the_page_without_signing_in_and_proxies_may_keep_it(client, registry):
    with time_machine.travel(NOVEMBER, tick=False):
        response = client.get(reverse("privacy:open-data"), {"periode": "2026-11"})
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=900" in cache_control
    assert "private" not in cache_control and "no-store" not in cache_control
    # A response a proxy keeps must not hand one visitor's cookie to the next.
    assert not response.cookies


def test_the_page_shows_nothing_but_aggregates(client, registry, samarinda_staff):
    with time_machine.travel(NOVEMBER, tick=False):
        page = client.get(reverse("privacy:open-data"), {"periode": "2026-11"})
        data = client.get(reverse("privacy:open-data-csv"), {"periode": "2026-11"})
    text = page.content.decode() + data.content.decode()
    for name in NAMES:
        assert name not in text
    assert "6472" not in text.replace("64.72", "")  # no NIK or KK fragment
    rows = list(csv.reader(io.StringIO(data.content.decode())))
    assert tuple(rows[0]) == opendata.CSV_COLUMNS
    for row in rows[1:]:
        assert row[0] in ("targets", "categories")
        assert row[-1] in ("< 5", "x") or row[-1].isdigit()


def test_samarinda_is_shown_balikpapan_and_its_complement_are_not(client, registry):
    with time_machine.travel(NOVEMBER, tick=False):
        pub = opendata.publication(opendata.period_for("2026-11"))
    street = "street_children"
    table = pub.target_table
    assert table.values[("64.72", street)] == 7
    assert table.values[("64.71", street)] == 2
    assert table.marks[("64.71", street)] == SMALL
    # Province minus the shown regencies would give Balikpapan: so something else is withheld.
    assert table.shown((TOTAL, street)) == 9 or table.shown(("64.72", street)) == "x"
    assert pinned_in(table) == []
    assert pinned_in(pub.category_table) == []


def test_the_figures_are_the_dashboards(registry):
    with time_machine.travel(NOVEMBER, tick=False):
        pub = opendata.publication(opendata.period_for("2026-11"))
        overview = figures.overview(None, pub.month, extras=False)
    for target in overview.case_targets:
        assert pub.target_table.values[(TOTAL, target.programme)] == (
            overview.standing(None, target.code).remaining
        )
    by_category = {row.code: row.total for row in overview.categories}
    for category in Category.objects.all():
        assert pub.category_table.values[(category.code, TOTAL)] == by_category.get(
            category.code, 0
        )


def test_a_year_is_published_exactly_as_its_last_month(registry):
    """One period minus another: the year's stock is its last month's, marked the same way."""
    with time_machine.travel(NOVEMBER, tick=False):
        year = opendata.publication(opendata.period_for("2026"))
        month = opendata.publication(opendata.period_for("2026-11"))
    assert year.month == month.month
    assert year.target_table.marks == month.target_table.marks
    assert year.category_table.marks == month.category_table.marks


def test_the_dictionary_says_what_the_data_is_and_as_of_when(client, registry):
    with time_machine.travel(NOVEMBER, tick=False):
        response = client.get(reverse("privacy:open-data-dictionary"), {"periode": "2026-11"})
    rows = dict(csv.reader(io.StringIO(response.content.decode())))
    assert {"value", "source", "data as of", "row_code"} <= set(rows)
    assert "WITA" in rows["data as of"]
    assert "public" in response["Cache-Control"]


def test_a_quarter_or_a_future_month_is_refused(client, registry):
    with time_machine.travel(NOVEMBER, tick=False):
        assert (
            client.get(reverse("privacy:open-data-csv"), {"periode": "2026-Q3"}).status_code == 400
        )
        assert client.get(reverse("privacy:open-data"), {"periode": "2027-01"}).status_code == 400


def test_the_page_costs_a_fixed_number_of_queries(client, registry, django_assert_num_queries):
    """Once computed, the tables are cached until the next refresh of the summary: a visit
    costs the one query that tells whether it has been refreshed (the summary states)."""
    url = reverse("privacy:open-data")
    with time_machine.travel(NOVEMBER, tick=False):
        client.get(url, {"periode": "2026-11"})
        with django_assert_num_queries(1):
            client.get(url, {"periode": "2026-11"})
