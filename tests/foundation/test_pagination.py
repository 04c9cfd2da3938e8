"""Keyset pages (pmks_portal/pagination.py): every row once, in order, however many rows share
the ordering value; and on PostgreSQL a deep page seeks the index instead of reading past the
rows before it."""

from datetime import date, timedelta

import pytest
from django.db import connection

from pmks_portal import pagination
from tests.cases.conftest import register


def _all_pages(queryset, *, field, descending, size):
    pages, cursor = [], None
    while True:
        page = pagination.keyset_page(
            queryset, field=field, descending=descending, cursor=cursor, size=size
        )
        pages.append([row.pk for row in page.rows])
        if not page.next_cursor:
            return pages
        cursor = page.next_cursor


@pytest.mark.parametrize("descending", [True, False])
def test_pages_walk_every_row_once_in_order_across_ties(samarinda_staff, descending):
    from cases.models import Case

    # Seven cases on two registration dates: pages of two split both runs of equal dates.
    cases = [register(samarinda_staff, name=f"Anak {n}") for n in range(7)]
    for case in cases[:4]:
        Case.objects.filter(pk=case.pk).update(registered_on=date(2026, 5, 1))
    queryset = Case.objects.all()
    pages = _all_pages(queryset, field="registered_on", descending=descending, size=2)
    walked = [pk for page in pages for pk in page]
    prefix = "-" if descending else ""
    expected = list(
        queryset.order_by(f"{prefix}registered_on", f"{prefix}pk").values_list("pk", flat=True)
    )
    assert walked == expected
    assert len(set(walked)) == 7 and [len(page) for page in pages] == [2, 2, 2, 1]


def test_a_cursor_that_was_tampered_with_starts_again_at_the_first_page(samarinda_staff):
    from cases.models import Case

    register(samarinda_staff, name="Anak Satu")
    page = pagination.keyset_page(
        Case.objects.all(), field="registered_on", descending=True, cursor="x:y:z", size=25
    )
    assert len(page.rows) == 1 and not page.has_previous


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")
def test_a_deep_page_seeks_the_index_with_a_row_comparison(samarinda_staff):
    from cases.models import Case

    register(samarinda_staff, name="Anak Satu")
    case = Case.objects.get()
    # Enough rows on one date, and none of them cheap to skip, for the planner to use the index.
    base = date(2020, 1, 1)
    Case.objects.bulk_create(
        [
            Case(
                person_id=case.person_id,
                category_id=case.category_id,
                programme=case.programme,
                regency_id=case.regency_id,
                found_on=base,
                registered_on=base + timedelta(days=n % 50),
                status=case.status,
                status_changed_on=base,
                created_by=samarinda_staff,
            )
            for n in range(5000)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
    middle = Case.objects.order_by("-registered_on", "-pk")[2500]
    cursor_value = pagination.signing.dumps(
        [middle.registered_on.isoformat(), middle.pk], salt=pagination.SALT
    )
    queryset = (
        Case.objects.order_by("-registered_on", "-pk")
        .filter(pagination._cursor_filter("registered_on", True, cursor_value))
        .values("pk")[:26]
    )
    plan = queryset.explain()
    assert "Index" in plan and "Index Cond" in plan, plan
    assert "ROW(" in plan or "registered_on, id) <" in plan, plan
    assert "Rows Removed by Filter" not in queryset.explain(analyze=True), plan
