from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from cases import reference
from cases.models import Case, Category, Person
from regions import services as region_services
from regions.models import Region
from tests.cases.conftest import register


def person_post(**overrides):
    data = {
        "nik": "",
        "kk_number": "",
        "name": "Andi Saputra",
        "sex": "L",
        "birth_place": "Samarinda",
        "birth_date": "",
        "estimated_age": "11",
        "address": "",
        "village": "",
        "phone": "",
        "guardian_name": "",
        "guardian_relation": "",
        "guardian_phone": "",
        "disability": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_staff_register_a_street_child_without_nik_and_open_a_case(login, samarinda_staff):
    client = login(samarinda_staff)
    response = client.post(reverse("cases:person-create"), person_post())
    person = Person.objects.get(name="Andi Saputra")
    assert response.status_code == 302 and person.nik is None and person.birth_date_is_estimate
    assert person.regency_id == "64.72"
    village = "64.72.05.1002"
    response = client.post(
        reverse("cases:case-create", args=[person.pk]),
        {
            "category": Category.objects.get(code="AJ").pk,
            "district": "64.72.05",
            "village": village,
            "found_on": "2026-11-20",
            "source": "outreach",
            "notes": "",
            "restraint_form": "other",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    case = Case.objects.get(person=person)
    assert case.category.code == "AJ" and case.programme == "street_children"
    assert case.village_id == village


def test_a_nik_already_registered_blocks_a_second_person(login, samarinda_staff, samarinda_case):
    client = login(samarinda_staff)
    response = client.post(
        reverse("cases:person-create"),
        person_post(nik=samarinda_case.person.nik, estimated_age="", birth_date="2012-05-17"),
    )
    assert response.status_code == 200
    assert response.context["duplicate"].person == samarinda_case.person
    assert Person.objects.count() == 1


def test_a_duplicate_in_another_regency_is_reported_without_revealing_it(
    login, balikpapan_staff, samarinda_case
):
    client = login(balikpapan_staff)
    response = client.post(
        reverse("cases:person-create"),
        person_post(nik=samarinda_case.person.nik, estimated_age="", birth_date="2012-05-17"),
    )
    assert response.context["duplicate"].person is None
    assert samarinda_case.person.name.encode() not in response.content


def test_nik_disagreeing_with_birth_date_needs_confirmation(login, samarinda_staff):
    client = login(samarinda_staff)
    data = person_post(nik="6472051705120003", estimated_age="", birth_date="2012-05-18")
    response = client.post(reverse("cases:person-create"), data)
    assert response.status_code == 200 and response.context["pending"].warnings
    assert not Person.objects.exists()
    response = client.post(reverse("cases:person-create"), {**data, "confirm": "on"})
    assert response.status_code == 302 and Person.objects.count() == 1


def test_a_near_match_is_shown_before_saving(login, samarinda_staff, samarinda_case):
    client = login(samarinda_staff)
    response = client.post(
        reverse("cases:person-create"),
        person_post(name="Rudy Hartono", estimated_age="", birth_date="2012-05-17"),
    )
    assert response.context["pending"].near_matches == [samarinda_case.person]


def test_a_malformed_nik_is_refused_with_the_reason(login, samarinda_staff):
    client = login(samarinda_staff)
    response = client.post(reverse("cases:person-create"), person_post(nik="6472051705120000"))
    assert response.status_code == 200
    assert "0000" in str(response.context["form"].errors["nik"])
    assert not Person.objects.exists()


def test_the_second_of_two_concurrent_edits_is_refused_with_what_changed(
    client_as, samarinda_staff, samarinda_case
):
    person = samarinda_case.person
    url = reverse("cases:person-edit", args=[person.pk])
    first, second = client_as(samarinda_staff), client_as(samarinda_staff)
    base = person_post(
        name=person.name,
        nik=person.nik,
        estimated_age="",
        birth_date="2012-05-17",
        village=person.village_id,
        version="1",
    )
    assert first.post(url, {**base, "address": "Jl. Pahlawan 1"}).status_code == 302
    response = second.post(url, {**base, "address": "Jl. Merdeka 9"})
    assert response.status_code == 200
    assert response.context["conflict"][0].changes["address"] == ["", "Jl. Pahlawan 1"]
    person.refresh_from_db()
    assert person.address == "Jl. Pahlawan 1" and person.version == 2


def test_resolving_a_case_through_the_page(login, samarinda_staff, samarinda_case):
    client = login(samarinda_staff)
    url = reverse("cases:transition", args=[samarinda_case.pk])
    for status in ("verified", "in_handling", "resolved"):
        client.post(url, {"to_status": status, "effective_on": "2026-11-20", "reason": ""})
    samarinda_case.refresh_from_db()
    assert samarinda_case.status == "resolved"


def test_an_intervention_is_recorded(login, samarinda_staff, samarinda_case):
    client = login(samarinda_staff)
    client.post(
        reverse("cases:intervention-add", args=[samarinda_case.pk]),
        {
            "date": "2026-11-21",
            "type": "reunification",
            "provider": "Dinsos",
            "outcome": "Back with mother",
            "notes": "",
        },
    )
    assert samarinda_case.interventions.get().outcome == "Back with mother"


def test_another_regency_cannot_find_or_open_the_case(login, balikpapan_staff, samarinda_case):
    client = login(balikpapan_staff)
    for text in (samarinda_case.person.name, samarinda_case.person.nik):
        response = client.post(reverse("cases:search"), {"q": text}, follow=True)
        assert response.context["page"].rows == []
    assert client.get(reverse("cases:detail", args=[samarinda_case.pk])).status_code == 404
    assert (
        client.get(reverse("cases:person-detail", args=[samarinda_case.person.pk])).status_code
        == 404
    )


def test_search_by_name_and_nik_finds_the_case_without_putting_them_in_the_url(
    login, samarinda_staff, samarinda_case
):
    client = login(samarinda_staff)
    for text in ("rudi", samarinda_case.person.nik, "6472 0517 0512 0003"):
        response = client.post(reverse("cases:search"), {"q": text})
        assert text.split()[0] not in response["Location"]
        page = client.get(response["Location"]).context["page"]
        assert [case.pk for case in page.rows] == [samarinda_case.pk]


def test_viewers_see_masked_nik_and_staff_see_it_in_full(
    login, client_as, samarinda_staff, samarinda_viewer, samarinda_case
):
    nik = samarinda_case.person.nik
    url = reverse("cases:detail", args=[samarinda_case.pk])
    assert nik.encode() in client_as(samarinda_staff).get(url).content
    viewer_page = client_as(samarinda_viewer).get(url).content
    assert nik.encode() not in viewer_page and b"6472********0003" in viewer_page


def test_every_view_of_a_person_or_case_is_logged(login, samarinda_viewer, samarinda_case):
    client = login(samarinda_viewer)
    client.get(reverse("cases:detail", args=[samarinda_case.pk]))
    client.get(reverse("cases:person-detail", args=[samarinda_case.person.pk]))
    views = AuditEvent.objects.filter(action="view", actor=samarinda_viewer)
    assert {e.target_type for e in views} == {"cases.case", "cases.person"}


def test_export_holds_exactly_the_filtered_cases_of_the_scope(
    login, samarinda_viewer, samarinda_staff, balikpapan_case
):
    register(
        samarinda_staff,
        name="Siti Aminah",
        category="FM",
        nik="6472054101800001",
        sex="P",
        birth_date=date(1980, 1, 1),
    )
    register(samarinda_staff, name="Budi Santoso", category="AJ")
    client = login(samarinda_viewer)
    response = client.get(
        reverse("cases:export"), {"category": Category.objects.get(code="AJ").pk, "format": "csv"}
    )
    body = b"".join(response.streaming_content).decode()
    assert "Budi Santoso" in body and "Siti Aminah" not in body and "Dewi" not in body
    event = AuditEvent.objects.get(action="export")
    assert event.changes["rows"] == 1 and event.actor == samarinda_viewer


@pytest.mark.parametrize("extra", [0, 30])
def test_the_list_runs_a_fixed_number_of_queries(
    login, samarinda_staff, samarinda_case, django_assert_num_queries, extra
):
    for number in range(extra):
        register(samarinda_staff, name=f"Anak {number}", category="AJ")
    client = login(samarinda_staff)
    client.get(reverse("cases:list"))  # fills the filter lists' cache (categories, places)
    # session, user with the regency, the page of cases (one join), the capped count.
    with django_assert_num_queries(4):
        response = client.get(reverse("cases:list"), {"size": "100"})
    assert len(response.context["page"].rows) == extra + 1


def test_the_case_page_runs_a_fixed_number_of_queries(
    login, samarinda_staff, samarinda_case, django_assert_num_queries
):
    client = login(samarinda_staff)
    url = reverse("cases:detail", args=[samarinda_case.pk])
    client.get(url)
    # session, user with the regency, the case with its person, places and programme details
    # (one join), the view-log insert, interventions, attachments (with who uploaded them, one
    # join), status history, the history's changes and reads together (audit/history.py).
    with django_assert_num_queries(8):
        client.get(url)


def test_history_shows_labels_and_names_not_raw_values(login, samarinda_staff, samarinda_case):
    from cases import services as case_services

    case_services.case_transition(
        actor=samarinda_staff,
        case=samarinda_case,
        to_status="verified",
        effective_on=date(2026, 11, 1),
    )
    with translation.override("en"):
        page = login(samarinda_staff).get(
            reverse("cases:detail", args=[samarinda_case.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
    body = page.content.decode()
    assert "Anak Jalanan" in body  # the category by name, not by its key
    assert "Registered → Verified" in body


def test_villages_are_named_with_their_district(login, samarinda_staff):
    response = login(samarinda_staff).get(reverse("cases:person-create"))
    assert "Sempaja Selatan (Samarinda Utara)" in response.content.decode()
    response = login(samarinda_staff).get(reverse("cases:list"))
    assert "Sempaja Selatan (Samarinda Utara)" in response.content.decode()


def test_the_list_filters_show_a_renamed_place_or_a_new_category_at_once(
    login, samarinda_staff, admin, django_capture_on_commit_callbacks
):
    client = login(samarinda_staff)
    assert "Samarinda Utara" in client.get(reverse("cases:list")).content.decode()  # cached
    district = Region.objects.get(name="Samarinda Utara", level="district")
    with django_capture_on_commit_callbacks(execute=True):
        region_services.region_update(
            region=district, actor=admin, name="Samarinda Utara Baru", is_active=True, reason="SK"
        )
        reference.category_save(
            actor=admin,
            category=Category(code="LOK", name="Kategori Lokal", cluster="other"),
            aliases=[],
        )
    page = client.get(reverse("cases:list")).content.decode()
    assert "Samarinda Utara Baru" in page and "LOK – Kategori Lokal" in page


def test_a_filter_outside_the_lists_is_refused_not_run(login, samarinda_staff, provincial_officer):
    page = login(samarinda_staff).get(reverse("cases:list"), {"village": "64.71.01.1001"})
    assert page.context["form"].errors["village"]  # a Balikpapan village: not in the list
    page = login(provincial_officer).get(reverse("cases:list"), {"regency": "99.99"})
    assert page.status_code == 200 and page.context["form"].errors["regency"]


def test_the_list_joins_the_person_alone_and_names_places_and_categories_from_memory(
    login, samarinda_staff, samarinda_case, admin, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    village = Region.objects.get(code=samarinda_case.village_id)
    client = login(samarinda_staff)
    client.get(reverse("cases:list"))
    with CaptureQueriesContext(connection) as queries:
        rows = client.get(reverse("cases:list")).context["page"].rows
    pages = [
        q["sql"] for q in queries if 'FROM "cases_case"' in q["sql"] and "COUNT" not in q["sql"]
    ]
    # Four more joined tables cost PostgreSQL more planning than the query's run (#13).
    assert len(pages) == 1 and "cases_person" in pages[0]
    assert "regions_region" not in pages[0] and "cases_category" not in pages[0]
    assert rows[0].village == village and rows[0].category.name == samarinda_case.category.name
    assert rows[0].regency.name == "Kota Samarinda"

    # A change through the services shows on the next page, in every row.
    with django_capture_on_commit_callbacks(execute=True):
        region_services.region_update(
            region=village, actor=admin, name="Kelurahan Baru", is_active=True, reason="SK"
        )
    assert client.get(reverse("cases:list")).context["page"].rows[0].village.name == (
        "Kelurahan Baru"
    )
    # A category added behind the services' back (a migration, the shell) is read when a
    # case of it is listed, not a 500.
    other = Category.objects.create(code="ZZ", name="Kategori Baru", cluster="other")
    Case.objects.filter(pk=samarinda_case.pk).update(category=other)
    page = client.get(reverse("cases:list"))
    assert page.status_code == 200 and page.context["page"].rows[0].category.name == (
        "Kategori Baru"
    )
