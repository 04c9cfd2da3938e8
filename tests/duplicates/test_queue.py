"""The duplicates queue (#14, point 6): suspected pairs found on save and nightly, compared and
decided by an administrator, each decision in the audit trail, a dismissed pair never back."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from cases import services as case_services
from cases.models import Person
from duplicates.models import PairStatus, SuspectedPair
from duplicates.suspects import suspected_pairs_refresh
from tests.factories import first_village, register

pytestmark = pytest.mark.django_db

BORN = date(2012, 5, 17)
NIK = "6472051705120003"  # a boy of Samarinda born on 17 May 2012


def _pair(a: Person, b: Person) -> SuspectedPair:
    return SuspectedPair.objects.get(first=min(a.pk, b.pk), second=max(a.pk, b.pk))


def _bare_person(regency, **data) -> Person:
    """A person as an import writes one: in bulk, without the save hook."""
    defaults = {"sex": "L", "birth_date": BORN, "village": first_village(regency.code)}
    return Person.objects.create(regency=regency, **(defaults | data))


def test_saving_a_similar_name_with_the_same_birth_date_and_village_files_a_pair(samarinda_staff):
    rudi = register(samarinda_staff, name="Rudi Hartono").person
    rudy = register(samarinda_staff, name="Rudy Hartono").person
    register(samarinda_staff, name="Siti Aminah")  # same day and village, another name

    assert SuspectedPair.objects.count() == 1
    assert _pair(rudi, rudy).rules == ["name_birth_village"]


def test_a_nik_one_digit_off_with_the_same_birth_date_is_suspected_whatever_the_name(
    samarinda_staff,
):
    first = register(samarinda_staff, name="Ahmad Fauzi", nik=NIK).person
    second = register(samarinda_staff, name="Budi", nik="6472051705120004").person
    assert _pair(first, second).rules == ["nik_one_digit"]


def test_the_same_kk_and_a_similar_name_is_suspected_and_the_nightly_run_finds_imports(
    samarinda, samarinda_staff
):
    kk = "6472010101090001"
    a = _bare_person(samarinda, name="Nur Aisyah", kk_number=kk, birth_date=date(1990, 1, 1))
    b = _bare_person(samarinda, name="Nur Aisah", kk_number=kk, birth_date=None)
    _bare_person(samarinda, name="Joko Susilo", kk_number=kk, birth_date=date(1960, 2, 2))
    assert not SuspectedPair.objects.exists()  # bulk-inserted: no save hook ran

    run = suspected_pairs_refresh()

    assert (run.suspected, run.added) == (1, 1)
    assert _pair(a, b).rules == ["same_kk"]
    assert suspected_pairs_refresh().added == 0  # idempotent


def test_a_pair_marked_not_a_duplicate_never_comes_back(login, admin, samarinda_staff):
    rudi = register(samarinda_staff, name="Rudi Hartono").person
    rudy = register(samarinda_staff, name="Rudy Hartono").person
    pair = _pair(rudi, rudy)
    client = login(admin)

    refused = client.post(reverse("duplicates:dismiss", args=[pair.pk]), {"reason": " "})
    assert refused.status_code == 200 and refused.context["dismiss_form"].errors
    response = client.post(
        reverse("duplicates:dismiss", args=[pair.pk]), {"reason": "Kembar, dua anak"}
    )

    assert response.status_code == 302
    pair.refresh_from_db()
    assert (pair.status, pair.reason, pair.decided_by) == (
        PairStatus.NOT_DUPLICATE,
        "Kembar, dua anak",
        admin,
    )
    assert AuditEvent.objects.for_object(pair).get().reason == "Kembar, dua anak"
    assert AuditEvent.objects.for_object(rudi).filter(changes__has_key="not_duplicate_of").exists()
    # Neither the nightly run nor another save of either record brings it back.
    suspected_pairs_refresh()
    case_services.person_update(
        actor=samarinda_staff,
        person=rudy,
        expected_version=rudy.version,
        data={"name": "Rudy Hartono", "sex": "L", "birth_date": BORN, "village": rudy.village},
        confirmed=True,
    )
    statuses = list(SuspectedPair.objects.values_list("status", flat=True))
    assert statuses == [PairStatus.NOT_DUPLICATE]
    assert client.get(reverse("duplicates:queue")).context["count"] == 0


def test_an_admin_compares_and_merges_a_pair(login, admin, samarinda_staff):
    rudi = register(samarinda_staff, name="Rudi Hartono")
    rudy = register(samarinda_staff, name="Rudy Hartono", category="PML")
    pair = _pair(rudi.person, rudy.person)
    client = login(admin)

    compare = client.get(reverse("duplicates:compare", args=[pair.pk]))
    assert compare.status_code == 200
    assert [person.pk for person, _cases in compare.context["columns"]] == [
        pair.first_id,
        pair.second_id,
    ]
    # Reading the two records side by side is logged as reading each of them.
    assert AuditEvent.objects.filter(action="view", target_id__in=[str(pair.first_id)]).exists()

    response = client.post(
        reverse("duplicates:merge", args=[pair.pk]),
        {"keep": rudi.person.pk, "reason": "Anak yang sama, dua tim penjangkauan"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:person-detail", args=[rudi.person.pk])
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED
    assert Person.objects.get(pk=rudy.person.pk).merged_into_id == rudi.person.pk
    assert set(rudi.person.cases.values_list("pk", flat=True)) == {rudi.pk, rudy.pk}
    assert AuditEvent.objects.for_object(pair).filter(action="update").exists()
    assert AuditEvent.objects.for_object(rudi.person).filter(action="merge").exists()


def test_a_pair_whose_record_was_merged_elsewhere_leaves_the_queue(admin, samarinda_staff):
    a = register(samarinda_staff, name="Ani Rahma").person
    b = register(samarinda_staff, name="Ani Rahmah").person
    c = register(samarinda_staff, name="Ani Rahmaa").person
    assert SuspectedPair.objects.waiting().count() == 3
    case_services.person_merge(actor=admin, keep=a, duplicate=b, reason="same")
    assert list(SuspectedPair.objects.waiting().values_list("first", "second")) == [
        (min(a.pk, c.pk), max(a.pk, c.pk))
    ]


def test_only_those_who_merge_see_the_queue(client_as, samarinda_staff, provincial_officer):
    register(samarinda_staff, name="Rudi Hartono")
    register(samarinda_staff, name="Rudy Hartono")
    pair = SuspectedPair.objects.get()
    for user in (samarinda_staff, provincial_officer):
        client = client_as(user)
        assert client.get(reverse("duplicates:queue")).status_code == 403
        assert client.get(reverse("duplicates:compare", args=[pair.pk])).status_code == 403


def test_the_queue_costs_the_same_queries_for_two_pairs_or_twelve(client_as, admin, samarinda):
    client = client_as(admin)

    def queries_with(pairs: int) -> int:
        for index in range(pairs - SuspectedPair.objects.count()):
            a = _bare_person(samarinda, name=f"Orang Ke{index}")
            b = _bare_person(samarinda, name=f"Orang Ke{index}", birth_date=date(2001, 1, 1))
            SuspectedPair.objects.create(first=a, second=b, rules=["same_kk"])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("duplicates:queue")).status_code == 200
        return len(captured)

    assert queries_with(2) == queries_with(12)
