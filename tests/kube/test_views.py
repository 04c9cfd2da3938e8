"""The KUBE pages: scoped by regency, refusing writes to those who only read, showing bad input
back with its message, exporting what the list shows, with a fixed number of queries."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from kube import services
from kube.models import BusinessType, Kube, KubeMember, KubeReport
from tests.helpers import SESSION_AND_USER
from tests.kube.conftest import form_group, grant, months_back, new_group, report_data

pytestmark = pytest.mark.django_db


def month_kwargs(kube, month) -> dict:
    return {"pk": kube.pk, "year": month.year, "month": month.month}


def add_reports(staff, kube, *backs):
    for back in backs:
        services.report_add(actor=staff, kube=kube, data=report_data(months_back(back)))


# --- Scope -----------------------------------------------------------------------------------


def test_balikpapan_staff_get_404_on_a_samarinda_group(samarinda_group, balikpapan_staff, login):
    client = login(balikpapan_staff)
    assert client.get(reverse("kube:detail", args=[samarinda_group.pk])).status_code == 404
    assert client.get(reverse("kube:edit", args=[samarinda_group.pk])).status_code == 404
    assert client.get(reverse("kube:report-add", args=[samarinda_group.pk])).status_code == 404


def test_balikpapan_staff_cannot_report_for_a_samarinda_group(
    samarinda_group, balikpapan_staff, login
):
    response = login(balikpapan_staff).post(
        reverse("kube:report-add", args=[samarinda_group.pk]),
        {"month": months_back(1).strftime("%Y-%m"), "revenue": "1", "costs": "1", "capital": "1"},
    )
    assert response.status_code == 404
    assert not KubeReport.objects.exists()


def test_the_list_shows_only_the_users_regency(
    samarinda_group, balikpapan_group, samarinda_viewer, provincial_officer, client_as
):
    own = client_as(samarinda_viewer).get(reverse("kube:list"))
    assert [row.kube for row in own.context["rows"]] == [samarinda_group]
    province = client_as(provincial_officer).get(reverse("kube:list"))
    assert {row.kube for row in province.context["rows"]} == {samarinda_group, balikpapan_group}


@pytest.mark.parametrize(
    "url_name, kwargs",
    [
        ("kube:create", {}),
        ("kube:edit", {"pk": None}),
        ("kube:member-add", {"pk": None}),
        ("kube:grant-add", {"pk": None}),
        ("kube:report-add", {"pk": None}),
        ("kube:partner-link", {"pk": None}),
    ],
)
def test_a_viewer_gets_403_on_every_write_page(
    samarinda_group, samarinda_viewer, login, url_name, kwargs
):
    kwargs = {key: samarinda_group.pk for key in kwargs}
    client = login(samarinda_viewer)
    assert client.get(reverse(url_name, kwargs=kwargs)).status_code == 403
    assert client.post(reverse(url_name, kwargs=kwargs), {"name": "x"}).status_code == 403


def test_a_viewer_gets_403_when_posting_a_stage(samarinda_group, samarinda_viewer, login):
    response = login(samarinda_viewer).post(
        reverse("kube:stage", args=[samarinda_group.pk]), {"stage": "maju", "reason": "x"}
    )
    assert response.status_code == 403
    assert Kube.objects.get(pk=samarinda_group.pk).stage == "tumbuh"


def test_the_provincial_office_reads_a_group_but_cannot_change_it(
    samarinda_group, provincial_officer, login
):
    client = login(provincial_officer)
    assert client.get(reverse("kube:detail", args=[samarinda_group.pk])).status_code == 200
    assert client.get(reverse("kube:report-add", args=[samarinda_group.pk])).status_code == 403


def test_opening_a_group_is_logged(samarinda_group, samarinda_viewer, login):
    login(samarinda_viewer).get(reverse("kube:detail", args=[samarinda_group.pk]))
    assert (
        AuditEvent.objects.for_object(samarinda_group)
        .filter(action=AuditEvent.Action.VIEW, actor=samarinda_viewer)
        .exists()
    )


def test_the_bank_account_is_masked_on_the_group_page(samarinda_group, samarinda_staff, login):
    html = login(samarinda_staff).get(reverse("kube:detail", args=[samarinda_group.pk]))
    assert b"*********8901" in html.content
    assert b"0012345678901" not in html.content


# --- Forms: bad input is shown back, nothing saved -------------------------------------------


def test_registering_a_group_through_the_form(samarinda_staff, login):
    from kube.models import BusinessType

    response = login(samarinda_staff).post(
        reverse("kube:create"),
        {
            "name": "KUBE Sejahtera",
            "year_formed": "2026",
            "business_type": BusinessType.objects.get(code="perikanan").pk,
            "bank_account_number": "0012 3456 7890",
        },
    )
    kube = Kube.objects.get()
    assert response["Location"] == reverse("kube:member-add", args=[kube.pk])
    assert kube.bank_account_number == "001234567890"
    assert kube.regency_id == "64.72"


def test_a_report_with_a_negative_amount_is_shown_back_with_its_message(
    samarinda_group, samarinda_staff, login
):
    response = login(samarinda_staff).post(
        reverse("kube:report-add", args=[samarinda_group.pk]),
        {
            "month": months_back(1).strftime("%Y-%m"),
            "revenue": "5.000.000",
            "costs": "-200.000",
            "capital": "20.000.000",
            "meetings_held": "1",
        },
    )
    assert response.status_code == 200
    assert "Costs cannot be negative." in response.content.decode()
    assert not KubeReport.objects.exists()


def test_a_report_for_a_future_month_is_shown_back_with_its_message(
    samarinda_group, samarinda_staff, login
):
    response = login(samarinda_staff).post(
        reverse("kube:report-add", args=[samarinda_group.pk]),
        {
            "month": months_back(-2).strftime("%Y-%m"),
            "revenue": "5000000",
            "costs": "0",
            "capital": "0",
            "meetings_held": "0",
        },
    )
    assert "A report cannot be for a future month." in response.content.decode()
    assert not KubeReport.objects.exists()


def test_amounts_are_typed_the_indonesian_way(samarinda_group, samarinda_staff, login):
    login(samarinda_staff).post(
        reverse("kube:report-add", args=[samarinda_group.pk]),
        {
            "month": months_back(1).strftime("%Y-%m"),
            "revenue": "Rp 7.250.000",
            "costs": "3.100.000,50",
            "capital": "20000000",
            "iks_collected": "150.000",
            "meetings_held": "2",
            "bookkeeping_kept": "on",
        },
    )
    report = KubeReport.objects.get()
    assert report.revenue == Decimal("7250000")
    assert report.costs == Decimal("3100000.50")
    assert report.profit == Decimal("4149999.50")
    assert report.iks_used == 0


def test_a_second_report_of_a_month_is_shown_back(samarinda_group, samarinda_staff, login):
    add_reports(samarinda_staff, samarinda_group, 1)
    response = login(samarinda_staff).post(
        reverse("kube:report-add", args=[samarinda_group.pk]),
        {
            "month": months_back(1).strftime("%Y-%m"),
            "revenue": "1",
            "costs": "1",
            "capital": "1",
            "meetings_held": "0",
        },
    )
    assert "There is a report for this month already" in response.content.decode()
    assert KubeReport.objects.count() == 1


def test_finding_a_registered_person_and_adding_them(samarinda_staff, login):
    from tests.kube.conftest import registered_poor_person

    kube = new_group(samarinda_staff)
    person = registered_poor_person(samarinda_staff, name="Rahmat Hidayat")
    client = login(samarinda_staff)
    url = reverse("kube:member-add", args=[kube.pk])
    found = client.post(url, {"step": "find", "lookup": person.nik})
    assert found.context["person"] == person
    added = client.post(
        url, {"step": "existing", "person": person.pk, "role": "ketua", "joined_on": ""}
    )
    assert added.status_code == 302
    assert KubeMember.objects.get(kube=kube).person == person


def test_an_unknown_nik_offers_to_register_the_person(samarinda_staff, login):
    kube = new_group(samarinda_staff)
    response = login(samarinda_staff).post(
        reverse("kube:member-add", args=[kube.pk]), {"step": "find", "lookup": "6472051705800003"}
    )
    assert response.context["new_form"].initial["nik"] == "6472051705800003"


def test_a_person_of_another_regency_is_not_found_by_registry_number(
    samarinda_staff, balikpapan_group, login
):
    other = balikpapan_group.members.first().person
    kube = new_group(samarinda_staff)
    response = login(samarinda_staff).post(
        reverse("kube:member-add", args=[kube.pk]), {"step": "find", "lookup": str(other.pk)}
    )
    assert "No person with this number in your registry." in response.content.decode()
    assert other.name not in response.content.decode()


def test_an_eleventh_member_through_the_page_is_refused(samarinda_staff, login):
    from tests.kube.conftest import registered_poor_person

    kube = form_group(samarinda_staff, members=10)
    person = registered_poor_person(samarinda_staff, name="Kesebelas")
    response = login(samarinda_staff).post(
        reverse("kube:member-add", args=[kube.pk]),
        {"step": "existing", "person": person.pk, "role": "anggota", "confirm": "on"},
    )
    assert "10 members already, the most the rules allow" in response.content.decode()
    assert kube.members.count() == 10


def test_correcting_a_report_through_the_page_keeps_the_old_values(
    samarinda_group, samarinda_staff, login
):
    add_reports(samarinda_staff, samarinda_group, 1)
    client = login(samarinda_staff)
    month = months_back(1)
    form = {
        "revenue": "6.000.000",
        "costs": "3.000.000",
        "capital": "21.000.000",
        "iks_collected": "100.000",
        "iks_used": "0",
        "meetings_held": "2",
        "bookkeeping_kept": "on",
        "reason": "Omzet pasar minggu terlewat",
        "version": "1",
    }
    response = client.post(
        reverse("kube:report-correct", kwargs=month_kwargs(samarinda_group, month)), form
    )
    assert response.status_code == 302
    page = client.get(reverse("kube:report-detail", kwargs=month_kwargs(samarinda_group, month)))
    html = page.content.decode()
    assert "Omzet pasar minggu terlewat" in html
    assert "Rp 5.000.000" in html  # the value before, in the earlier versions
    assert "Rp 6.000.000" in html


# --- Export ----------------------------------------------------------------------------------


def test_the_csv_export_has_the_users_groups_only_and_is_logged(
    samarinda_group, balikpapan_group, samarinda_viewer, login
):
    response = login(samarinda_viewer).get(reverse("kube:export"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["KUBE Mekar Sari"]
    # A viewer sees the account masked.
    assert rows[1][20] == "*********8901"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.changes["rows"] == 1
    assert event.regency_id == "64.72"


def test_the_reports_export_as_xlsx_follows_the_filters(samarinda_staff, provincial_officer, login):
    first = form_group(samarinda_staff, name="KUBE Satu")
    form_group(samarinda_staff, name="KUBE Dua")
    add_reports(samarinda_staff, first, 2, 1)
    response = login(provincial_officer).get(
        reverse("kube:export"), {"what": "reports", "format": "xlsx", "q": "Satu"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert len(rows) == 3
    assert rows[1][1] == "KUBE Satu"
    assert rows[1][4] == "5000000.00"


def test_a_group_name_that_looks_like_a_formula_is_exported_as_text(samarinda_staff, login):
    new_group(samarinda_staff, name="=HYPERLINK(1)")
    response = login(samarinda_staff).get(reverse("kube:export"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body


# --- Lists and filters -----------------------------------------------------------------------


def test_the_list_flags_a_group_whose_report_is_overdue(samarinda_staff, login):
    late = form_group(samarinda_staff, name="KUBE Terlambat")
    on_time = form_group(samarinda_staff, name="KUBE Tepat")
    add_reports(samarinda_staff, on_time, 2, 1)
    response = login(samarinda_staff).get(reverse("kube:list"))
    flags = {row.kube.name: row.overdue for row in response.context["rows"]}
    assert flags == {"KUBE Terlambat": True, "KUBE Tepat": False}
    only = login(samarinda_staff).get(reverse("kube:list"), {"overdue": "on"})
    assert [row.kube for row in only.context["rows"]] == [late]


def test_the_list_filters_by_stage_and_pages_by_keyset(samarinda_staff, login):
    for number in range(30):
        new_group(samarinda_staff, name=f"KUBE {number:02d}")
    client = login(samarinda_staff)
    first = client.get(reverse("kube:list"), {"size": "25"})
    assert len(first.context["rows"]) == 25
    second = client.get(
        reverse("kube:list"), {"size": "25", "after": first.context["page"].next_cursor}
    )
    names = [row.kube.name for row in first.context["rows"] + second.context["rows"]]
    assert names == [f"KUBE {number:02d}" for number in range(30)]
    assert client.get(reverse("kube:list"), {"stage": "maju"}).context["rows"] == []


# --- Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 12])
def test_the_list_runs_a_fixed_number_of_queries(
    samarinda_staff, login, django_assert_num_queries, extra
):
    for number in range(extra):
        kube = form_group(samarinda_staff, name=f"KUBE Tambahan {number}", members=5)
        add_reports(samarinda_staff, kube, 2, 1)
    form_group(samarinda_staff, name="KUBE Utama")
    client = login(samarinda_staff)
    client.get(reverse("kube:list"))  # fills the filter lists' cache (districts, business types)
    # The rules, the page of groups (one join), the capped count, the page's reports of the last
    # 12 months, its member counts.
    with django_assert_num_queries(SESSION_AND_USER + 5):
        response = client.get(reverse("kube:list"), {"size": "100"})
    assert len(response.context["rows"]) == extra + 1


def test_the_list_filter_shows_a_new_business_type_at_once(
    samarinda_staff, admin, login, django_capture_on_commit_callbacks
):
    client = login(samarinda_staff)
    assert "Budi daya lele" not in client.get(reverse("kube:list")).content.decode()  # cached
    with django_capture_on_commit_callbacks(execute=True):
        services.business_type_save(
            actor=admin, business_type=BusinessType(code="lele", name="Budi daya lele")
        )
    assert "Budi daya lele" in client.get(reverse("kube:list")).content.decode()


@pytest.mark.parametrize("reports, members", [(1, 5), (14, 10)])
def test_the_group_page_runs_a_fixed_number_of_queries(
    samarinda_staff, login, django_assert_num_queries, reports, members
):
    kube = form_group(samarinda_staff, members=members)
    grant(samarinda_staff, kube, first_amount=Decimal("10000000"), first_paid_on=months_back(6))
    add_reports(samarinda_staff, kube, *range(reports, 0, -1))
    services.partner_link(
        actor=samarinda_staff,
        kube=kube,
        data={
            "new_partner_name": "PT Badak LNG",
            "supports": ["market"],
            "started_on": months_back(1),
        },
    )
    client = login(samarinda_staff)
    url = reverse("kube:detail", args=[kube.pk])
    # The group (one join), the view-log insert, the rules, members with their persons, their
    # open fakir miskin cases, grants with partners, their payment stages, reports,
    # partnerships, stage history, status history, the audit history: its changes and its
    # reads in one query (audit.history).
    with django_assert_num_queries(SESSION_AND_USER + 12):
        response = client.get(url)
    assert response.context["chart"].points == reports


def test_the_completeness_page_runs_a_fixed_number_of_queries(
    samarinda_staff, balikpapan_staff, provincial_officer, login, django_assert_num_queries
):
    for staff in (samarinda_staff, balikpapan_staff):
        for number in range(3):
            add_reports(staff, form_group(staff, name=f"KUBE {staff.pk} {number}"), 3, 2)
    client = login(provincial_officer)
    # The rules, the expected counts (one column a month), the received and late reports, the
    # groups still to report (one join).
    with django_assert_num_queries(SESSION_AND_USER + 4):
        response = client.get(reverse("kube:completeness"))
    assert len(response.context["table"]) == 2


def test_an_unreal_month_in_a_report_url_is_404(samarinda_group, samarinda_staff, login):
    url = reverse(
        "kube:report-detail", kwargs={"pk": samarinda_group.pk, "year": 2026, "month": 13}
    )
    assert login(samarinda_staff).get(url).status_code == 404


def test_the_menu_shows_kube_to_readers_only(samarinda_viewer, client_as, no_role_user):
    assert b'data-menu="kube:list"' in client_as(samarinda_viewer).get(reverse("home")).content
    assert b'data-menu="kube:list"' not in client_as(no_role_user).get(reverse("home")).content


def test_a_report_this_month_is_not_late(samarinda_group, samarinda_staff):
    report = services.report_add(
        actor=samarinda_staff, kube=samarinda_group, data=report_data(months_back(0))
    )
    assert report.received_on == timezone.localdate()
    assert not report.is_late
