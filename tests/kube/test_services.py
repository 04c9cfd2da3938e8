"""The KUBE services: what they accept, what they refuse with a clear message, and that a
refusal saves nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Person
from cases.services import EditConflict
from kube import services
from kube.models import (
    GrantDisbursement,
    Kube,
    KubeGrant,
    KubeMember,
    KubeReport,
    KubeReportRevision,
    KubeRules,
    KubeStatus,
    MemberRole,
)
from tests.kube.conftest import (
    form_group,
    grant,
    months_back,
    new_group,
    nik_for,
    registered_poor_person,
    report_data,
)

pytestmark = pytest.mark.django_db


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def table_sizes() -> tuple:
    return (
        Kube.objects.count(),
        KubeMember.objects.count(),
        KubeReport.objects.count(),
        KubeGrant.objects.count(),
        GrantDisbursement.objects.count(),
        Person.objects.count(),
    )


# --- Groups ----------------------------------------------------------------------------------


def test_a_new_group_gets_a_registration_number_of_its_regency_and_year(samarinda_staff):
    kube = new_group(samarinda_staff, year_formed=2025)
    assert kube.registration_number == "KUBE/64.72/2025/0001"
    second = new_group(samarinda_staff, name="KUBE Kedua", year_formed=2025)
    assert second.registration_number == "KUBE/64.72/2025/0002"


def test_a_new_group_starts_active_and_growing_with_its_creation_audited(samarinda_staff):
    kube = new_group(samarinda_staff)
    assert kube.status == KubeStatus.ACTIVE
    assert kube.stage == kube.computed_stage == "tumbuh"
    event = AuditEvent.objects.for_object(kube).get(action=AuditEvent.Action.CREATE)
    assert event.regency_id == "64.72"
    # The account number is kept in full on the group but masked in the trail.
    assert event.changes["bank_account_number"] == [None, "*********8901"]


def test_a_bank_account_number_with_letters_is_refused(samarinda_staff):
    with pytest.raises(ValidationError) as refused:
        new_group(samarinda_staff, bank_account_number="12AB5678")
    assert "5 to 20 digits" in messages_of(refused.value)
    assert Kube.objects.count() == 0


def test_staff_of_another_regency_cannot_change_a_group(samarinda_group, balikpapan_staff):
    with pytest.raises(PermissionDenied):
        services.kube_update(
            actor=balikpapan_staff,
            kube=samarinda_group,
            expected_version=samarinda_group.version,
            data={"name": "Diambil alih"},
        )


def test_a_viewer_cannot_record_a_report(samarinda_group, samarinda_viewer):
    with pytest.raises(PermissionDenied):
        services.report_add(
            actor=samarinda_viewer, kube=samarinda_group, data=report_data(months_back(1))
        )


def test_saving_a_group_someone_else_changed_meanwhile_is_a_conflict(samarinda_staff):
    kube = new_group(samarinda_staff)
    opened = kube.version
    services.kube_update(
        actor=samarinda_staff, kube=kube, expected_version=opened, data={"name": "Nama Baru"}
    )
    with pytest.raises(EditConflict):
        services.kube_update(
            actor=samarinda_staff, kube=kube, expected_version=opened, data={"name": "Nama Lain"}
        )
    assert Kube.objects.get(pk=kube.pk).name == "Nama Baru"


def test_a_conflict_shows_a_status_change_made_meanwhile(samarinda_staff):
    kube = new_group(samarinda_staff)
    opened = kube.version
    services.kube_set_status(actor=samarinda_staff, kube=kube, to_status=KubeStatus.GRADUATED)
    with pytest.raises(EditConflict) as conflict:
        services.kube_update(
            actor=samarinda_staff, kube=kube, expected_version=opened, data={"name": "Nama Lain"}
        )
    [meanwhile] = conflict.value.meanwhile
    assert meanwhile.action == AuditEvent.Action.TRANSITION
    assert meanwhile.changes["status"] == [KubeStatus.ACTIVE, KubeStatus.GRADUATED]


# --- Members ---------------------------------------------------------------------------------


def test_an_eleventh_member_is_refused_and_nothing_is_saved(samarinda_staff):
    kube = form_group(samarinda_staff, members=10)
    eleventh = registered_poor_person(samarinda_staff, name="Anggota Kesebelas")
    before = table_sizes()
    with pytest.raises(ValidationError) as refused:
        services.member_add(actor=samarinda_staff, kube=kube, person=eleventh, role="anggota")
    assert "10 members already, the most the rules allow" in messages_of(refused.value)
    assert table_sizes() == before


def test_the_most_members_is_an_administrators_setting(samarinda_staff):
    KubeRules.objects.filter(pk=1).update(max_members=6)
    kube = form_group(samarinda_staff, members=6)
    seventh = registered_poor_person(samarinda_staff, name="Anggota Ketujuh")
    with pytest.raises(ValidationError, match="6 members already"):
        services.member_add(actor=samarinda_staff, kube=kube, person=seventh, role="anggota")


def test_a_second_chair_is_refused_with_the_name_of_the_first(samarinda_group, samarinda_staff):
    person = registered_poor_person(samarinda_staff, name="Calon Ketua Kedua")
    with pytest.raises(ValidationError) as refused:
        services.member_add(
            actor=samarinda_staff, kube=samarinda_group, person=person, role=MemberRole.KETUA
        )
    assert "already has a chair (ketua): KUBE Mekar Sari Anggota 1" in messages_of(refused.value)
    assert not KubeMember.objects.filter(person=person).exists()


def test_the_database_holds_a_group_to_one_chair(samarinda_group, samarinda_staff):
    person = registered_poor_person(samarinda_staff, name="Ketua Lewat Pintu Belakang")
    with pytest.raises(IntegrityError), transaction.atomic():
        KubeMember.objects.create(
            kube=samarinda_group, person=person, role=MemberRole.KETUA, joined_on=date(2026, 1, 1)
        )


def test_a_person_in_another_active_kube_is_refused(samarinda_staff):
    first = form_group(samarinda_staff, name="KUBE Pertama")
    second = new_group(samarinda_staff, name="KUBE Kedua")
    member = first.members.first().person
    with pytest.raises(ValidationError) as refused:
        services.member_add(actor=samarinda_staff, kube=second, person=member, role="anggota")
    assert "already a member of KUBE KUBE Pertama" in messages_of(refused.value)
    assert "one active KUBE only" in messages_of(refused.value)
    assert not second.members.exists()


def test_the_database_holds_a_person_to_one_active_kube(samarinda_staff):
    first = form_group(samarinda_staff, name="KUBE Pertama")
    second = new_group(samarinda_staff, name="KUBE Kedua")
    with pytest.raises(IntegrityError), transaction.atomic():
        KubeMember.objects.create(
            kube=second,
            person=first.members.first().person,
            role="anggota",
            joined_on=date(2026, 1, 1),
        )


def test_the_other_kube_is_not_named_to_staff_of_another_regency(
    samarinda_staff, balikpapan_staff, balikpapan_group
):
    person = balikpapan_group.members.first().person
    samarinda_kube = new_group(samarinda_staff)
    with pytest.raises(ValidationError) as refused:
        services.member_add(
            actor=samarinda_staff,
            kube=samarinda_kube,
            person=person,
            role="anggota",
            confirmed=True,
        )
    assert "a KUBE of another regency or city" in messages_of(refused.value)
    assert balikpapan_group.registration_number not in messages_of(refused.value)


def test_a_member_of_a_graduated_group_may_join_another(samarinda_staff):
    first = form_group(samarinda_staff, name="KUBE Lulus")
    services.kube_set_status(actor=samarinda_staff, kube=first, to_status=KubeStatus.GRADUATED)
    second = new_group(samarinda_staff, name="KUBE Baru")
    person = first.members.first().person
    member = services.member_add(actor=samarinda_staff, kube=second, person=person, role="ketua")
    assert member.is_current
    assert KubeMember.objects.filter(person=person, kube=first, is_current=False).exists()


def test_a_member_outside_the_ages_and_not_registered_poor_needs_confirmation(samarinda_staff):
    from tests.cases.conftest import register

    kube = new_group(samarinda_staff)
    old = register(
        samarinda_staff,
        name="Kakek Sudirman",
        nik=nik_for("64.72.01", date(1950, 2, 2)),
        category="LUT",
        birth_date=date(1950, 2, 2),
    ).person
    with pytest.raises(services.NeedsConfirmation) as pending:
        services.member_add(actor=samarinda_staff, kube=kube, person=old, role="anggota")
    text = " ".join(pending.value.warnings)
    assert "usually 18 to 59 years old" in text
    assert "Not registered as fakir miskin" in text
    assert not kube.members.exists()
    services.member_add(
        actor=samarinda_staff, kube=kube, person=old, role="anggota", confirmed=True
    )
    assert kube.members.count() == 1


def test_two_heads_of_the_same_family_card_need_confirmation(samarinda_staff):
    kube = new_group(samarinda_staff)
    first = registered_poor_person(samarinda_staff, name="Suami")
    second = registered_poor_person(samarinda_staff, name="Istri", sex="P")
    Person.objects.filter(pk__in=[first.pk, second.pk]).update(kk_number="6472011203150001")
    first.refresh_from_db()
    second.refresh_from_db()
    services.member_add(actor=samarinda_staff, kube=kube, person=first, role="ketua")
    with pytest.raises(services.NeedsConfirmation, match="Same family card"):
        services.member_add(actor=samarinda_staff, kube=kube, person=second, role="anggota")


def test_a_new_member_is_registered_in_the_person_registry(samarinda_staff):
    kube = new_group(samarinda_staff)
    nik = nik_for("64.72.05", date(1980, 6, 1))
    member = services.member_add_new_person(
        actor=samarinda_staff,
        kube=kube,
        person_data={"nik": nik, "name": "Baru Sekali", "sex": "L", "birth_date": date(1980, 6, 1)},
        role="ketua",
        confirmed=True,
    )
    person = Person.objects.get(nik=nik)
    assert member.person == person
    assert person.regency_id == "64.72"
    assert AuditEvent.objects.for_object(person).filter(action="create").exists()


def test_a_new_member_with_a_nik_in_the_registry_is_chosen_not_created_again(samarinda_staff):
    kube = new_group(samarinda_staff)
    known = registered_poor_person(samarinda_staff, name="Sudah Terdaftar")
    persons = Person.objects.count()
    member = services.member_add_new_person(
        actor=samarinda_staff,
        kube=kube,
        person_data={"nik": known.nik, "name": "Nama Diketik Lain", "sex": "L"},
        role="anggota",
        confirmed=True,
    )
    assert member.person == known
    assert Person.objects.count() == persons


def test_a_new_member_with_a_bad_nik_is_refused_and_no_person_is_created(samarinda_staff):
    kube = new_group(samarinda_staff)
    persons = Person.objects.count()
    with pytest.raises(ValidationError, match="16 digits"):
        services.member_add_new_person(
            actor=samarinda_staff,
            kube=kube,
            person_data={"nik": "64720112", "name": "Salah NIK", "sex": "L"},
            role="anggota",
            confirmed=True,
        )
    assert Person.objects.count() == persons


def test_warnings_about_a_new_member_come_before_anything_is_saved(samarinda_staff):
    kube = new_group(samarinda_staff)
    persons = Person.objects.count()
    with pytest.raises(services.NeedsConfirmation) as pending:
        services.member_add_new_person(
            actor=samarinda_staff,
            kube=kube,
            person_data={
                "nik": nik_for("64.72.05", date(1999, 1, 5)),
                "name": "Muda Sekali",
                "sex": "L",
                "birth_date": date(1999, 1, 5),
            },
            role="anggota",
        )
    assert any("fakir miskin" in warning for warning in pending.value.warnings)
    assert Person.objects.count() == persons


def test_the_chair_hands_over_and_the_group_keeps_exactly_one(samarinda_group, samarinda_staff):
    old_chair = samarinda_group.members.get(role=MemberRole.KETUA)
    successor = samarinda_group.members.filter(role=MemberRole.ANGGOTA).first()
    with pytest.raises(ValidationError, match="already has a chair"):
        services.member_change_role(actor=samarinda_staff, member=successor, role="ketua")
    services.member_change_role(
        actor=samarinda_staff, member=successor, role="ketua", hand_over=True
    )
    roles = dict(samarinda_group.members.values_list("pk", "role"))
    assert roles[successor.pk] == "ketua"
    assert roles[old_chair.pk] == "anggota"
    assert list(roles.values()).count("ketua") == 1


def test_the_chair_cannot_leave_while_others_stay(samarinda_group, samarinda_staff):
    chair = samarinda_group.members.get(role=MemberRole.KETUA)
    with pytest.raises(ValidationError, match="hand the chair over first"):
        services.member_leave(actor=samarinda_staff, member=chair)
    chair.refresh_from_db()
    assert chair.left_on is None


def test_a_member_who_left_frees_the_person_for_another_kube(samarinda_group, samarinda_staff):
    member = samarinda_group.members.filter(role="anggota").first()
    services.member_leave(
        actor=samarinda_staff, member=member, left_on=timezone.localdate(), reason="Pindah"
    )
    other = new_group(samarinda_staff, name="KUBE Lain")
    services.member_add(actor=samarinda_staff, kube=other, person=member.person, role="ketua")
    assert KubeMember.objects.filter(person=member.person).count() == 2


def test_a_group_cannot_be_active_again_when_a_member_joined_another_meanwhile(samarinda_staff):
    first = form_group(samarinda_staff, name="KUBE Tidur")
    services.kube_set_status(
        actor=samarinda_staff, kube=first, to_status=KubeStatus.INACTIVE, reason="Usaha berhenti"
    )
    person = first.members.filter(role="anggota").first().person
    other = new_group(samarinda_staff, name="KUBE Pindahan")
    services.member_add(actor=samarinda_staff, kube=other, person=person, role="ketua")
    with pytest.raises(ValidationError, match="joined another active KUBE"):
        services.kube_set_status(actor=samarinda_staff, kube=first, to_status=KubeStatus.ACTIVE)
    assert Kube.objects.get(pk=first.pk).status == KubeStatus.INACTIVE


def test_making_a_group_inactive_needs_a_reason(samarinda_group, samarinda_staff):
    with pytest.raises(ValidationError, match="Say why"):
        services.kube_set_status(
            actor=samarinda_staff, kube=samarinda_group, to_status=KubeStatus.INACTIVE
        )


def test_a_graduated_group_stays_graduated(samarinda_group, samarinda_staff):
    services.kube_set_status(
        actor=samarinda_staff, kube=samarinda_group, to_status=KubeStatus.GRADUATED
    )
    with pytest.raises(ValidationError, match="cannot become active"):
        services.kube_set_status(
            actor=samarinda_staff, kube=samarinda_group, to_status=KubeStatus.ACTIVE
        )


def test_reports_are_no_longer_expected_after_a_group_stops(samarinda_group, samarinda_staff):
    today = timezone.localdate()
    services.kube_set_status(
        actor=samarinda_staff,
        kube=samarinda_group,
        to_status=KubeStatus.INACTIVE,
        effective_on=today,
        reason="Anggota merantau",
    )
    samarinda_group.refresh_from_db()
    assert samarinda_group.reporting_until == months_back(1)
    assert not samarinda_group.expects_report_for(months_back(0))
    assert not samarinda_group.members.filter(is_current=True).exists()


# --- Grants ----------------------------------------------------------------------------------


def test_a_grant_goes_only_to_a_formed_group(samarinda_staff):
    kube = form_group(samarinda_staff, members=4)
    with pytest.raises(ValidationError) as refused:
        grant(samarinda_staff, kube)
    assert "4 of at least 5 members" in messages_of(refused.value)
    assert not KubeGrant.objects.exists()


def test_a_negative_grant_is_refused(samarinda_group, samarinda_staff):
    with pytest.raises(ValidationError, match="cannot be negative"):
        grant(samarinda_staff, samarinda_group, amount="-20000000")
    assert not KubeGrant.objects.exists()


def test_a_grant_paid_in_stages_never_pays_more_than_granted(samarinda_group, samarinda_staff):
    given = grant(
        samarinda_staff,
        samarinda_group,
        first_amount=Decimal("12000000"),
        first_paid_on=months_back(6),
    )
    services.disbursement_add(
        actor=samarinda_staff,
        grant=given,
        data={"amount": Decimal("6000000"), "disbursed_on": months_back(4)},
    )
    with pytest.raises(ValidationError) as refused:
        services.disbursement_add(
            actor=samarinda_staff,
            grant=given,
            data={"amount": Decimal("3000000"), "disbursed_on": months_back(2)},
        )
    assert "Rp 21.000.000, more than the grant of Rp 20.000.000" in messages_of(refused.value)
    assert list(given.disbursements.values_list("number", "amount")) == [
        (1, Decimal("12000000")),
        (2, Decimal("6000000")),
    ]


def test_a_grant_dated_in_the_future_is_refused(samarinda_group, samarinda_staff):
    with pytest.raises(ValidationError, match="cannot be in the future"):
        grant(samarinda_staff, samarinda_group, granted_on=timezone.localdate() + timedelta(1))


# --- Monthly reports -------------------------------------------------------------------------


def test_a_report_with_a_negative_amount_is_refused_and_nothing_is_saved(
    samarinda_group, samarinda_staff
):
    before = table_sizes()
    with pytest.raises(ValidationError) as refused:
        services.report_add(
            actor=samarinda_staff,
            kube=samarinda_group,
            data=report_data(months_back(1), costs=Decimal("-1")),
        )
    assert refused.value.message_dict["costs"] == ["Costs cannot be negative."]
    assert table_sizes() == before


def test_a_report_for_a_future_month_is_refused(samarinda_group, samarinda_staff):
    next_month = months_back(-1)
    with pytest.raises(ValidationError) as refused:
        services.report_add(
            actor=samarinda_staff, kube=samarinda_group, data=report_data(next_month)
        )
    assert refused.value.message_dict["month"] == ["A report cannot be for a future month."]
    assert not KubeReport.objects.exists()


def test_a_report_for_this_month_is_accepted(samarinda_group, samarinda_staff):
    report = services.report_add(
        actor=samarinda_staff, kube=samarinda_group, data=report_data(months_back(0))
    )
    assert report.month == timezone.localdate().replace(day=1)


def test_a_second_report_for_the_same_month_is_refused(samarinda_group, samarinda_staff):
    month = months_back(2)
    services.report_add(actor=samarinda_staff, kube=samarinda_group, data=report_data(month))
    with pytest.raises(ValidationError) as refused:
        services.report_add(
            actor=samarinda_staff,
            kube=samarinda_group,
            data=report_data(month + timedelta(days=9), revenue=Decimal("1")),
        )
    assert "report for this month already" in messages_of(refused.value)
    assert KubeReport.objects.get().revenue == Decimal("5000000")


def test_the_database_holds_a_group_to_one_report_a_month(samarinda_group, samarinda_staff):
    report = services.report_add(
        actor=samarinda_staff, kube=samarinda_group, data=report_data(months_back(2))
    )
    report.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        report.save()


def test_profit_is_revenue_minus_costs_and_a_loss_is_allowed(samarinda_group, samarinda_staff):
    report = services.report_add(
        actor=samarinda_staff,
        kube=samarinda_group,
        data=report_data(months_back(1), revenue=Decimal("1500000"), costs=Decimal("2000000.50")),
    )
    assert report.profit == Decimal("-500000.50")


def test_a_report_after_the_due_day_is_marked_late(samarinda_group, samarinda_staff):
    late = services.report_add(
        actor=samarinda_staff, kube=samarinda_group, data=report_data(months_back(3))
    )
    current = services.report_add(
        actor=samarinda_staff, kube=samarinda_group, data=report_data(months_back(0))
    )
    assert late.is_late
    assert not current.is_late


def test_a_correction_keeps_the_old_values_who_and_why(samarinda_group, samarinda_staff):
    report = services.report_add(
        actor=samarinda_staff, kube=samarinda_group, data=report_data(months_back(1))
    )
    corrected = services.report_correct(
        actor=samarinda_staff,
        report=report,
        expected_version=1,
        data=report_data(months_back(1), revenue=Decimal("6500000")),
        reason="Salah ketik omzet",
    )
    assert corrected.revenue == Decimal("6500000")
    assert corrected.profit == Decimal("3500000")
    revision = KubeReportRevision.objects.get(report=report)
    assert revision.values["revenue"] == "5000000.00"
    assert revision.reason == "Salah ketik omzet"
    assert revision.by == samarinda_staff
    event = AuditEvent.objects.for_object(report).get(action=AuditEvent.Action.UPDATE)
    assert event.changes["revenue"] == ["5000000.00", "6500000"]
    assert event.reason == "Salah ketik omzet"


def test_a_correction_needs_a_reason(samarinda_group, samarinda_staff):
    report = services.report_add(
        actor=samarinda_staff, kube=samarinda_group, data=report_data(months_back(1))
    )
    with pytest.raises(ValidationError, match="Say why"):
        services.report_correct(
            actor=samarinda_staff,
            report=report,
            expected_version=1,
            data={"revenue": Decimal(1)},
            reason=" ",
        )


def test_a_correction_to_a_negative_amount_is_refused(samarinda_group, samarinda_staff):
    report = services.report_add(
        actor=samarinda_staff, kube=samarinda_group, data=report_data(months_back(1))
    )
    with pytest.raises(ValidationError, match="Capital and assets cannot be negative"):
        services.report_correct(
            actor=samarinda_staff,
            report=report,
            expected_version=1,
            data={"capital": Decimal("-5")},
            reason="Koreksi",
        )
    assert KubeReport.objects.get().capital == Decimal("21000000")
    assert not KubeReportRevision.objects.exists()


def test_two_corrections_of_the_same_version_conflict(samarinda_group, samarinda_staff):
    report = services.report_add(
        actor=samarinda_staff, kube=samarinda_group, data=report_data(months_back(1))
    )
    services.report_correct(
        actor=samarinda_staff,
        report=report,
        expected_version=1,
        data={"meetings_held": 3},
        reason="Rapat ketiga lupa dicatat",
    )
    with pytest.raises(EditConflict):
        services.report_correct(
            actor=samarinda_staff,
            report=report,
            expected_version=1,
            data={"meetings_held": 1},
            reason="Koreksi lain",
        )
    assert KubeReport.objects.get().meetings_held == 3


def test_the_latest_report_month_follows_the_newest_report(samarinda_group, samarinda_staff):
    for back in (2, 4, 1):
        services.report_add(
            actor=samarinda_staff, kube=samarinda_group, data=report_data(months_back(back))
        )
    samarinda_group.refresh_from_db()
    assert samarinda_group.last_report_month == months_back(1)


# --- Partners --------------------------------------------------------------------------------


def test_a_partner_typed_by_name_is_taken_from_the_directory(samarinda_group, samarinda_staff):
    from kube.models import Partner

    known = Partner.objects.create(name="PT Pupuk Kaltim", type="csr")
    link = services.partner_link(
        actor=samarinda_staff,
        kube=samarinda_group,
        data={
            "new_partner_name": "pt  pupuk kaltim",
            "supports": ["training"],
            "started_on": months_back(1),
        },
    )
    assert link.partner == known
    assert Partner.objects.count() == 1


def test_a_partnership_with_a_negative_value_is_refused(samarinda_group, samarinda_staff):
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.partner_link(
            actor=samarinda_staff,
            kube=samarinda_group,
            data={
                "new_partner_name": "Universitas Mulawarman",
                "new_partner_type": "university",
                "supports": ["training"],
                "value": Decimal("-1"),
                "started_on": months_back(1),
            },
        )
    assert not samarinda_group.partnerships.exists()


def test_the_partner_directory_records_who_added_and_what_changed(admin):
    from kube.models import Partner, PartnerType

    partner = services.partner_save(
        actor=admin, partner=Partner(name="  PT  Mahakam   Sejahtera ", type=PartnerType.CSR)
    )
    assert partner.name == "PT Mahakam Sejahtera" and partner.created_by == admin
    partner.contact_name = "Bu Rina"
    services.partner_save(actor=admin, partner=partner)
    services.partner_save(actor=admin, partner=partner)  # nothing changed: nothing audited
    events = AuditEvent.objects.for_object(partner).order_by("pk")
    assert [event.action for event in events] == [
        AuditEvent.Action.CREATE,
        AuditEvent.Action.UPDATE,
    ]
    assert events[1].changes == {"contact_name": ["", "Bu Rina"]}
