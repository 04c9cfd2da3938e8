"""Query counts of the API's lists and details: a page costs the same whatever its size."""

import pytest

from tests.cases.conftest import register

pytestmark = pytest.mark.django_db


def test_a_page_of_cases_costs_the_same_few_queries_at_any_size(
    samarinda_reader, samarinda_staff, samarinda_case, django_assert_num_queries
):
    samarinda_reader.get("/api/v1/cases/")  # fills the filter lists' cache, marks the token used
    # The client (with its account and regency) by its token prefix; the page of cases with
    # their joins; the capped count; the read-log event. No query per row.
    with django_assert_num_queries(4):
        assert samarinda_reader.get("/api/v1/cases/").status_code == 200
    for n in range(5):
        register(samarinda_staff, name=f"Anak {n}", nik=f"64720517051200{n + 10}")
    with django_assert_num_queries(4):
        response = samarinda_reader.get("/api/v1/cases/")
    assert len(response.json()["results"]) == 6


def test_a_case_costs_four_queries(samarinda_reader, samarinda_case, django_assert_num_queries):
    samarinda_reader.get(f"/api/v1/cases/{samarinda_case.pk}/")
    # The client; the case with its joins; its transitions; the read-log event.
    with django_assert_num_queries(4):
        assert samarinda_reader.get(f"/api/v1/cases/{samarinda_case.pk}/").status_code == 200
