"""Synthetic demo data: plausible, consistent with the registry's own rules, and quick."""

import random
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from audit.models import AuditEvent
from cases import demo, workflow
from cases.models import (
    Case,
    CaseStatus,
    CaseTransition,
    PasungDetail,
    Person,
    Programme,
    SexWorkDetail,
    StreetChildDetail,
)
from cases.nik import check_kk, check_nik
from tests.cases.conftest import register

TODAY = timezone.localdate()


@pytest.fixture
def seeded(kaltim):
    """400 cases, with the rare programmes made common so that each is represented."""
    demo.seed_cases(400, seed=7, batch_size=150, showcase=True)
    return Case.objects.select_related("person", "category", "village", "district")


def generated(catalogue, n=4000, seed=1):
    """A batch in memory, without writing it: for the shares, which need more rows."""
    return demo.Generator(catalogue, seed=seed, today=TODAY).batch(n)


@pytest.fixture
def catalogue(kaltim):
    return demo.Catalogue.load(random.Random(1))


def test_every_nik_and_kk_passes_the_checks_and_agrees_with_the_person(seeded):
    persons = Person.objects.filter(nik__isnull=False)
    assert persons.count() > 200
    for person in persons:
        nik = check_nik(person.nik, sex=person.sex, birth_date=person.birth_date)
        assert nik.ok and not nik.warnings, (person.nik, nik.errors, nik.warnings)
        assert int(person.nik[12:]) >= 1
        assert person.nik[:6] == person.village.parent_id.replace(".", "")
        if person.kk_number:
            assert check_kk(person.kk_number).ok
    niks = list(persons.values_list("nik", flat=True))
    assert len(niks) == len(set(niks))


def test_about_a_third_of_persons_have_no_nik_mostly_street_children_and_homeless(catalogue):
    batch = generated(catalogue)
    categories = {pk: code for code, pk in catalogue.categories.items()}
    without = sum(1 for person in batch.persons if not person.get("nik"))
    assert 0.25 < without / len(batch.persons) < 0.38
    first_case = {
        case["_person"]: categories[case["category_id"]] for case in reversed(batch.cases)
    }
    homeless = [i for i, code in first_case.items() if code in ("GLD", "AJ")]
    poor = [i for i, code in first_case.items() if code == "FM"]
    share = lambda ids: sum(1 for i in ids if not batch.persons[i].get("nik")) / len(ids)  # noqa: E731
    assert share(homeless) > 0.6 > 0.3 > share(poor)


def test_persons_and_cases_lie_in_their_regency_district_and_village(seeded):
    for case in seeded:
        assert case.regency_id in demo.REGENCIES
        assert case.district.parent_id == case.regency_id
        assert case.person.regency_id == case.regency_id
        if case.village_id:
            assert case.village.parent_id == case.district_id
            assert case.person.village_id == case.village_id


def test_statuses_follow_the_workflow_and_their_history_is_complete(seeded):
    transitions = {}
    for row in CaseTransition.objects.order_by("effective_on", "id"):
        transitions.setdefault(row.case_id, []).append(row)
    assert set(transitions) == set(seeded.values_list("pk", flat=True))
    for case in seeded:
        history = transitions[case.pk]
        assert (history[0].from_status, history[0].to_status) == ("", CaseStatus.REGISTERED)
        assert history[0].effective_on == case.found_on
        for before, after in zip(history, history[1:], strict=False):
            assert after.from_status == before.to_status
            assert after.to_status in workflow.ALLOWED[after.from_status]
            assert after.effective_on >= before.effective_on
            if after.to_status in (CaseStatus.CLOSED, CaseStatus.REFERRED) or after.is_relapse:
                assert after.reason
        assert history[-1].to_status == case.status
        assert history[-1].effective_on == case.status_changed_on <= TODAY
        assert case.relapse_count == sum(t.is_relapse for t in history)
        assert bool(case.close_reason) == (case.status == CaseStatus.CLOSED)
        assert case.version == len(history)
        assert TODAY - timedelta(days=3 * 366 + 31) <= case.found_on <= case.registered_on <= TODAY
    assert len(set(seeded.values_list("status", flat=True))) == len(CaseStatus.values)


def test_ages_fit_the_category(seeded):
    for case in seeded.filter(person__birth_date__isnull=False):
        low, high = demo.CATEGORIES[case.category.code].ages
        age = (case.found_on - case.person.birth_date).days // 365
        if case.person.birth_date_is_estimate:  # the middle of a year: half a year either way
            low, high = low - 1, high + 1
        assert low <= age <= high, (case.category.code, age)
        assert case.person.birth_date <= case.found_on


def test_the_target_programmes_have_their_details(seeded):
    assert seeded.filter(programme=Programme.STREET_CHILDREN).exists()
    assert seeded.filter(programme=Programme.PASUNG).exists()
    for case in seeded.filter(programme=Programme.STREET_CHILDREN):
        assert case.category.code == "AJ" and case.regency_id in ("64.71", "64.72")
        assert StreetChildDetail.objects.filter(case=case).exists()
    for case in seeded.filter(programme=Programme.PASUNG):
        assert case.category.code == "PD" and "ODGJ" in case.person.disability
        assert PasungDetail.objects.filter(case=case).exists()
    for case in seeded.filter(programme=Programme.PROSTITUTION):
        assert case.category.code == "TS"
        assert SexWorkDetail.objects.filter(case=case).exists()
    assert not seeded.filter(programme="").filter(category__code__in=["AJ", "TS"]).exists()


def test_cases_spread_over_the_regencies_by_population(catalogue):
    batch = generated(catalogue)
    by_regency = Counter(case["regency_id"] for case in batch.cases)
    largest = {code for code, _ in by_regency.most_common(3)}
    assert largest == {"64.72", "64.71", "64.02"}  # Samarinda, Balikpapan, Kutai Kartanegara
    assert by_regency.most_common()[-1][0] == "64.11"  # Mahakam Ulu
    aj = catalogue.categories["AJ"]
    street = Counter(case["regency_id"] for case in batch.cases if case["category_id"] == aj)
    assert (street["64.72"] + street["64.71"]) / sum(street.values()) > 0.9
    categories = Counter(case["category_id"] for case in batch.cases)
    assert categories.most_common(1)[0][0] == catalogue.categories["FM"]


def test_the_same_seed_gives_the_same_people(catalogue):
    first, second = generated(catalogue, 300, seed=5), generated(catalogue, 300, seed=5)
    assert first.persons == second.persons and first.cases == second.cases
    assert generated(catalogue, 300, seed=6).persons != first.persons


def test_names_are_varied_enough_for_a_realistic_name_search(catalogue):
    batch = generated(catalogue)
    words = Counter(word for person in batch.persons for word in person["name"].split())
    assert len(words) > 300
    assert words.most_common(1)[0][1] / len(batch.persons) < 0.05


def seeding_events():
    return AuditEvent.objects.filter(reason=demo.SEED_REASON, target_type="cases.case").order_by(
        "id"
    )


def test_seed_demo_adds_a_small_set_once(kaltim):
    call_command("seed_demo", stdout=StringIO())
    assert [event.changes["demo_seed"]["cases"] for event in seeding_events()] == [300]
    assert Case.objects.filter(transitions__isnull=False).distinct().count() >= 300
    count = Case.objects.count()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert Case.objects.count() == count
    assert "300 synthetic cases exist; none added" in out.getvalue()
    assert seeding_events().count() == 1


def test_cases_registered_by_hand_do_not_stop_the_demo_set(samarinda_staff):
    register(samarinda_staff, name="Rudi Hartono", nik="6472051705120003")
    call_command("seed_demo", stdout=StringIO())
    assert seeding_events().get().changes["demo_seed"]["cases"] == 300


def test_seed_demo_cases_adds_that_many_and_reports_the_rate(kaltim):
    call_command("seed_demo", "--cases", "500", "--batch-size", "200", stdout=StringIO())
    before = Case.objects.count()
    out = StringIO()
    call_command("seed_demo", "--cases", "500", stdout=out)
    assert Case.objects.count() - before == 500
    assert "Added 500 cases in" in out.getvalue() and "cases/s" in out.getvalue()
    assert [event.changes["demo_seed"]["cases"] for event in seeding_events()] == [500, 500]
    niks = Person.objects.filter(nik__isnull=False).values_list("nik", flat=True)
    assert len(niks) == len(set(niks))


@override_settings(DEMO_MODE=False)
def test_seed_demo_refuses_outside_demo_mode(kaltim):
    with pytest.raises(CommandError, match="demo mode"):
        call_command("seed_demo", "--cases", "10", stdout=StringIO())
    with pytest.raises(CommandError, match="demo mode"):
        call_command("seed_demo", stdout=StringIO())
    assert not Case.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_batches_are_written_alongside_and_a_failure_stops_the_run(
    kaltim, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("COPY and the writer thread are PostgreSQL's (make test-postgres)")
    result = demo.seed_cases(900, batch_size=300)
    assert result.cases == Case.objects.count() == 900
    assert result.transitions == CaseTransition.objects.count()
    assert Person.objects.count() == result.persons

    real_flush = demo.CopyWriter.flush
    calls = []

    def fail_on_second(writer, statements=None):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real_flush(writer, statements)

    monkeypatch.setattr(demo.CopyWriter, "flush", fail_on_second)
    with pytest.raises(RuntimeError, match="disk full"):
        demo.seed_cases(1500, batch_size=300)
    assert Case.objects.count() == 1200  # the first batch stays; nothing after the failure
