"""Keyset pages (pmks_portal/pagination.py): every row once, in order, however many rows share
the ordering value; and on PostgreSQL a deep page seeks the index instead of reading past the
rows before it."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

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


def test_the_pages_after_the_first_reuse_its_count_instead_of_counting_again(
    samarinda_staff, django_assert_num_queries
):
    from cases.models import Case

    for n in range(3):
        register(samarinda_staff, name=f"Anak {n}")
    first = pagination.keyset_page(
        Case.objects.all(), field="registered_on", descending=True, cursor=None, size=2
    )
    assert first.count == 3 and not first.count_capped
    with django_assert_num_queries(1):  # the rows; no COUNT
        second = pagination.keyset_page(
            Case.objects.all(),
            field="registered_on",
            descending=True,
            cursor=first.next_cursor,
            size=2,
        )
    assert second.count == 3 and len(second.rows) == 1 and second.has_previous
    # A cursor without a count (built by hand, or from before counts rode along) counts.
    last = first.rows[-1]
    with django_assert_num_queries(2):
        pagination.keyset_page(
            Case.objects.all(),
            field="registered_on",
            descending=True,
            cursor=pagination.cursor_for(last.registered_on, last.pk),
            size=2,
        )


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
    queryset = (
        Case.objects.order_by("-registered_on", "-pk")
        .filter(pagination._cursor_filter("registered_on", True, middle.registered_on, middle.pk))
        .values("pk")[:26]
    )
    plan = queryset.explain()
    assert "Index" in plan and "Index Cond" in plan, plan
    assert "ROW(" in plan or "registered_on, id) <" in plan, plan
    assert "Rows Removed by Filter" not in queryset.explain(analyze=True), plan


def _keyset_lists(user):
    """Every keyset list as its view (or API endpoint) builds it: (label, queryset, field,
    descending). A sort a list offers is a line of its own."""
    from cases.models import Case, Person
    from kube.models import Kube
    from rakornis.models import FollowUp, Meeting

    cases = Case.objects.visible_to(user).for_list()
    groups = Kube.objects.visible_to(user).for_list()
    return [
        ("cases, newest", cases, "registered_on", True),
        ("cases, oldest", cases, "registered_on", False),
        ("cases, found", cases, "found_on", True),
        ("persons (API)", Person.objects.visible_to(user).current(), "created_at", True),
        ("KUBE, name", groups, "name", False),
        ("KUBE, newest", groups, "created_at", True),
        ("KUBE, score", groups, "stage_score", True),
        (
            "Rakornis meetings",
            Meeting.objects.visible_to(user).for_list(user=user, today=timezone.localdate()),
            "starts_on",
            True,
        ),
        ("follow-ups, open", FollowUp.objects.visible_to(user).for_list().open(), "due_on", False),
    ]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")
@pytest.mark.parametrize("scope", ["samarinda_staff", "provincial_officer"])
def test_every_keyset_list_has_an_index_its_deep_pages_seek(scope, request):
    """With sorting and whole-table reads priced out, a list without an index on (scope, sort
    field, id) shows a Sort node or a Filter on its cursor; with one, the cursor is an Index
    Cond. Prices, not data: an empty table answers for a million rows."""
    user = request.getfixturevalue(scope)
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_sort", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
    seeks = {}
    for label, queryset, field, descending in _keyset_lists(user):
        prefix = "-" if descending else ""
        value = queryset.model._meta.get_field(field)
        sample = {"DateField": date(2025, 6, 1), "DateTimeField": timezone.now()}.get(
            value.get_internal_type(), "M" if value.get_internal_type() == "CharField" else 5
        )
        deep = (
            queryset.order_by(f"{prefix}{field}", f"{prefix}pk")
            .filter(pagination._cursor_filter(field, descending, sample, 12345))
            .values("pk")[:26]
        )
        plan = deep.explain()
        table = f" on {queryset.model._meta.db_table}"
        scans = [line for line in plan.splitlines() if table in line]
        seeks[label] = (
            "Sort" not in plan
            and f"ROW({field}, id)" in plan
            and all("Index" in line for line in scans),
            plan,
        )
    assert {label: ok for label, (ok, _) in seeks.items()} == dict.fromkeys(seeks, True), {
        label: plan for label, (ok, plan) in seeks.items() if not ok
    }
