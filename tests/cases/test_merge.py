from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import Case, Person
from tests.cases.conftest import register


def test_an_admin_merges_two_records_of_one_person_keeping_cases_and_history(
    login, admin, samarinda_staff
):
    kept = register(samarinda_staff, name="Rudi Hartono", category="AJ")
    duplicate = register(
        samarinda_staff, name="Rudy Hartono", category="PML", nik="6472051705120003"
    )
    client = login(admin)
    response = client.post(
        reverse("cases:person-merge", args=[kept.person.pk]),
        {"duplicate": duplicate.person.pk, "reason": "Same child, two outreach teams"},
    )
    assert response.status_code == 302
    keep = Person.objects.get(pk=kept.person.pk)
    gone = Person.objects.get(pk=duplicate.person.pk)
    assert set(Case.objects.filter(person=keep).values_list("pk", flat=True)) == {
        kept.pk,
        duplicate.pk,
    }
    assert gone.merged_into == keep and gone.nik is None and keep.nik == "6472051705120003"
    assert AuditEvent.objects.for_object(keep).filter(action="merge").exists()
    assert AuditEvent.objects.for_object(gone).filter(action="create").exists()


def test_staff_cannot_merge(login, samarinda_staff):
    a = register(samarinda_staff, name="A", category="AJ")
    b = register(samarinda_staff, name="B", category="AJ", birth_date=date(2010, 1, 1))
    client = login(samarinda_staff)
    response = client.post(
        reverse("cases:person-merge", args=[a.person.pk]), {"duplicate": b.person.pk, "reason": "x"}
    )
    assert response.status_code == 403
    assert Person.objects.get(pk=b.person.pk).merged_into is None


def test_merged_records_leave_the_duplicate_search(samarinda_staff, admin):
    from cases import services
    from cases.duplicates import find_duplicates

    a = register(samarinda_staff, name="Ani Rahma", category="AJ")
    b = register(samarinda_staff, name="Ani Rahmah", category="AJ")
    services.person_merge(actor=admin, keep=a.person, duplicate=b.person, reason="same")
    report = find_duplicates(nik=None, name="Ani Rahma", birth_date=a.person.birth_date)
    assert [p.pk for p in report.near] == [a.person.pk]


def test_a_merge_moves_kube_memberships_and_refuses_two_active_ones(samarinda_staff, admin):
    from django.core.exceptions import ValidationError

    from cases import services
    from kube.models import KubeMember

    a = register(samarinda_staff, name="Ani Rahma", category="FM", birth_date=date(1985, 1, 1))
    b = register(samarinda_staff, name="Ani Rahmah", category="FM", birth_date=date(1985, 1, 1))
    membership = make_membership(b.person)
    services.person_merge(actor=admin, keep=a.person, duplicate=b.person, reason="same")
    membership.refresh_from_db()
    assert membership.person_id == a.person.pk

    c = register(samarinda_staff, name="Citra", category="FM", birth_date=date(1990, 2, 2))
    d = register(samarinda_staff, name="Citra W", category="FM", birth_date=date(1990, 2, 2))
    make_membership(c.person, group="KUBE Dua")
    make_membership(d.person, group="KUBE Tiga")
    with pytest.raises(ValidationError):
        services.person_merge(actor=admin, keep=c.person, duplicate=d.person, reason="same")
    assert KubeMember.objects.filter(person=d.person).count() == 1
    d.person.refresh_from_db()
    assert d.person.merged_into is None


def make_membership(person, group: str = "KUBE Satu"):
    from django.utils import timezone

    from kube.models import BusinessType, Kube, KubeMember

    today = timezone.localdate()
    business_type, _ = BusinessType.objects.get_or_create(
        code="lainnya", defaults={"name": "Lainnya"}
    )
    kube = Kube.objects.create(
        name=group,
        registration_number=f"KUBE/{group}",
        year_formed=today.year,
        regency_id=person.regency_id,
        business_type=business_type,
        status_since=today,
        reporting_from=today.replace(day=1),
    )
    return KubeMember.objects.create(kube=kube, person=person, role="anggota", joined_on=today)
