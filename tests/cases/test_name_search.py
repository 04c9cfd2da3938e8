"""Name search on either database: every typed word counts, and the persons a search keeps (at
most SEARCH_PERSON_CAP) are chosen among the cases the user may see and has filtered."""

import pytest
from django.db import connection
from django.urls import reverse

from cases import querysets, views
from cases.models import Case
from tests.cases.conftest import register


def found(cases, text):
    return sorted(cases.matching(text).values_list("pk", flat=True))


def test_every_typed_word_must_be_in_the_name(samarinda_staff):
    wanted = register(samarinda_staff, name="Siti Aminah")
    register(samarinda_staff, name="Siti Rahayu")
    register(samarinda_staff, name="Aminah")
    assert found(Case.objects, "siti aminah") == [wanted.pk]
    assert len(found(Case.objects, "Siti")) == 2


def test_the_capped_persons_come_from_the_users_scope(
    monkeypatch, samarinda_staff, balikpapan_staff
):
    monkeypatch.setattr(querysets, "SEARCH_PERSON_CAP", 1)
    register(balikpapan_staff, name="Siti Aminah")  # registered first: the lower id
    ours = register(samarinda_staff, name="Siti Aminah")
    assert found(Case.objects.visible_to(samarinda_staff), "Siti Aminah") == [ours.pk]


def test_the_capped_persons_come_from_the_filtered_cases(monkeypatch, samarinda_staff):
    monkeypatch.setattr(querysets, "SEARCH_PERSON_CAP", 1)
    register(samarinda_staff, name="Rudi", category="AJ")
    homeless = register(samarinda_staff, name="Rudi", category="GLD")
    assert found(Case.objects.filter(category__code="GLD"), "Rudi") == [homeless.pk]


def test_more_matches_than_the_cap_are_counted_as_more(monkeypatch, login, samarinda_staff):
    # The real caps are 1,000 cases and 1,001 persons; the list's count is the case cap.
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 1)
    monkeypatch.setattr(querysets, "SEARCH_PERSON_CAP", 2)
    for _ in range(3):
        register(samarinda_staff, name="Rudi")
    client = login(samarinda_staff)
    location = client.post(reverse("cases:search"), {"q": "Rudi"})["Location"]
    response = client.get(location)
    assert response.context["page"].count_capped
    assert b"More than 1 cases" in response.content
    assert b"type more of the name" in response.content


@pytest.mark.parametrize("matches", [1, 30])
def test_a_search_runs_a_fixed_number_of_queries(
    login, samarinda_staff, django_assert_num_queries, matches
):
    for _ in range(matches):
        register(samarinda_staff, name="Rudi Hartono")
    register(samarinda_staff, name="Bambang")
    client = login(samarinda_staff)
    client.get(reverse("cases:list"))  # fills the filter lists' cache
    location = client.post(reverse("cases:search"), {"q": "rudi"})["Location"]
    # Session, user, the page's case ids with their count (one statement, on the cases table
    # alone), the page's rows by id; on PostgreSQL one more, first: the matching persons' ids,
    # fetched once for both the page and its count.
    expected = 4 + (connection.vendor == "postgresql")
    with django_assert_num_queries(expected) as captured:
        response = client.get(f"{location}&size=100")
    assert len(response.context["page"].rows) == matches
    assert response.context["page"].count == matches
    statements = [query["sql"] for query in captured.captured_queries]
    assert not [sql for sql in statements if sql.startswith("SELECT COUNT(*)")], statements
    (ids,) = [sql for sql in statements if "OVER ()" in sql]
    assert "JOIN" not in ids, ids


def test_a_misspelt_name_is_found_on_either_database(samarinda_staff):
    # "budi santosa" finds Budi Santoso by trigrams, on PostgreSQL (the word index) and on the
    # demo's SQLite (name_search.name_matches); a word of another name does not.
    wanted = register(samarinda_staff, name="Budi Santoso")
    register(samarinda_staff, name="Budi Hartono")
    assert found(Case.objects, "budi santosa") == [wanted.pk]
    assert found(Case.objects, "BUDI SANTOS") == [wanted.pk]
    assert found(Case.objects, "santosa rahmat") == []
