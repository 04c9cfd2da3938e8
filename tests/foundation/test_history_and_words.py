"""#14: stored values shown in people's words (audit/readable.py), a record's history with its
reads summed up (audit/history.py), the administrators' access log, the sign-in messages, the
icon, the village list that follows the district and report periods as people write them."""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from audit.history import READS_LISTED, history_of
from audit.models import AuditEvent
from audit.readable import readable_changes, value_in_words
from cases import services
from cases.categories_data import load_default_categories
from cases.forms import CaseForm, SexWorkDetailForm
from cases.models import (
    Category,
    CategoryAlias,
    SexWorkDetail,
    StreetActivity,
    StreetChildDetail,
)
from regions.models import Region
from reports.periods import parse_period, period_choices
from tests.conftest import BALIKPAPAN, SAMARINDA
from tests.factories import register
from tests.helpers import PERSONA_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def street_case(samarinda_staff):
    load_default_categories(Category, CategoryAlias)
    return register(samarinda_staff, name="Rizky Ramadhan", category="AJ")


def _event(target_type: str, changes: dict) -> AuditEvent:
    return AuditEvent(action="update", target_type=target_type, target_id="1", changes=changes)


def test_changes_are_shown_in_words_not_stored_codes():
    event = _event(
        "cases.case",
        {
            "streetchilddetail.activity": [None, "busking"],
            "streetchilddetail.school_status": ["in_school", "dropped_out"],
            "relapse": [None, False],
            "merged_person": [None, 1276],
            "status": ["registered", "verified"],
        },
    )
    with translation.override("id"):
        rows = {label: (old, new) for label, old, new in readable_changes(event)}
    assert (
        rows
        == {
            "Kegiatan": ("—", "Mengamen"),
            "Sekolah": ("Sekolah", "Putus sekolah"),
            "Kambuh": ("—", "tidak"),
            "Catatan orang yang digabungkan ke sini": ("—", "1276"),
            "Status": ("Terdaftar", "Terverifikasi"),
        }
        or rows
    )


def test_regions_years_amounts_and_dates_read_the_indonesian_way(kaltim):
    event = _event(
        "rakornis.recommendation",
        {
            "regencies": [None, [BALIKPAPAN, SAMARINDA]],
            "member_added": [None, "Budi"],
            "supports": [None, ["capital", "training"]],
        },
    )
    with translation.override("id"):
        rows = {label: new for label, _old, new in readable_changes(event)}
        assert rows["Kabupaten/kota penanggung jawab"] == "Kota Balikpapan, Kota Samarinda"
        assert rows["Anggota bergabung"] == "Budi"
        assert rows["Dukungan yang diberikan"] == "Modal, Pelatihan"
        grant = SexWorkDetail._meta.get_field("uep_grant")
        assert value_in_words("5000000.50", grant) == "Rp 5.000.000,50"
        assert value_in_words(2026, key="year_formed") == "2026"
        assert value_in_words("2026-11-03") == "3 Nov. 2026"
        assert value_in_words(True) == "ya"
        hours = StreetChildDetail._meta.get_field("hours_per_day")
        assert value_in_words(1.5, hours) == "1,5"


def test_the_history_lists_changes_and_sums_up_reads_in_one_query(
    street_case, samarinda_staff, samarinda_viewer, provincial_officer, django_assert_num_queries
):
    services.case_detail_save(
        actor=samarinda_staff,
        case=street_case,
        detail=StreetChildDetail(case=street_case),
        data={"location_found": "Pasar Pagi", "activity": StreetActivity.BEGGING},
    )
    for reader in [samarinda_viewer] * 12 + [provincial_officer] * 8 + [samarinda_staff]:
        services.record_view(actor=reader, obj=street_case, regency_id=SAMARINDA)

    with django_assert_num_queries(1):
        history = history_of(street_case)
    assert [event.action for event in history.changes] == ["update", "create"]
    assert (history.read_count, history.reader_count) == (21, 3) and READS_LISTED >= 21
    with translation.override("id"):
        summary = history.read_summary
    assert summary.startswith("Dilihat 21 kali oleh 3 orang; terakhir ")
    assert summary.endswith(f"WITA oleh {samarinda_staff}")


def test_a_record_read_more_often_than_listed_is_counted_in_full(
    street_case, samarinda_viewer, django_assert_num_queries
):
    for _ in range(READS_LISTED + 5):
        services.record_view(actor=samarinda_viewer, obj=street_case, regency_id=SAMARINDA)
    with django_assert_num_queries(2):
        history = history_of(street_case)
    assert len(history.reads) == READS_LISTED
    # The reads are cut apart from the changes: the older creation is not pushed out by them.
    assert [event.action for event in history.changes] == ["create"]
    assert (history.read_count, history.reader_count) == (READS_LISTED + 5, 1)


def test_a_record_page_shows_its_changes_and_not_its_reads_row_by_row(
    street_case, samarinda_viewer, login
):
    client = login(samarinda_viewer)
    for _ in range(5):
        client.get(reverse("cases:detail", args=[street_case.pk]))
    page = client.get(reverse("cases:detail", args=[street_case.pk])).content.decode()
    assert "Dilihat 6 kali oleh 1 orang" in page
    assert page.count('<li class="border-bottom py-2">') == 1  # the one change: created
    # The viewer may not read the access log, so no link to it.
    assert reverse("audit:access-log") not in page


def test_the_access_log_is_filtered_by_user_record_and_day(
    street_case, samarinda_viewer, provincial_officer, admin, login
):
    for reader in (samarinda_viewer, samarinda_viewer, provincial_officer):
        services.record_view(actor=reader, obj=street_case, regency_id=SAMARINDA)
    client = login(admin)
    url = reverse("audit:access-log")
    everything = client.get(url).context["page"]
    assert everything.count == 3
    mine = client.get(url, {"actor": samarinda_viewer.username, "target_type": "cases.case"})
    assert [e.actor_id for e in mine.context["page"].rows] == [samarinda_viewer.pk] * 2
    elsewhere = client.get(url, {"target_id": street_case.pk + 1000})
    assert elsewhere.context["page"].count == 0
    tomorrow = client.get(url, {"since": "2100-01-01"})
    assert tomorrow.context["page"].count == 0


def test_only_administrators_read_the_access_log(samarinda_staff, provincial_officer, login):
    for user in (samarinda_staff, provincial_officer):
        assert login(user).get(reverse("audit:access-log")).status_code == 403


def test_a_deactivated_account_is_told_so_only_with_the_right_password(samarinda_staff):
    samarinda_staff.is_active = False
    samarinda_staff.save()

    def sign_in_error(password) -> str:
        response = Client().post(
            reverse("login"), {"username": samarinda_staff.username, "password": password}
        )
        return response.context["form"].non_field_errors()[0]

    assert sign_in_error(PERSONA_PASSWORD).startswith("Akun ini telah dinonaktifkan")
    assert sign_in_error("x" * 12) == (
        "Nama pengguna atau kata sandi tidak benar. Huruf besar dan kecil dibedakan."
    )


def test_the_icon_is_served_at_favicon_ico(kaltim):
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".ico")
    assert "img/favicon" in response["Location"]


def test_report_periods_are_read_as_people_write_them():
    assert parse_period("November 2026").code == "2026-11"
    assert parse_period("okt 2025").code == "2025-10"
    assert parse_period("2026-q4").code == "2026-Q4"
    with translation.override("id"):
        months, quarters, years = period_choices(date(2026, 12, 3))
    assert months[1][:2] == [("2026-12", "Desember 2026"), ("2026-11", "November 2026")]
    assert quarters[1][0] == ("2026-Q4", "Triwulan 4 2026")
    assert years[1][0] == ("2026", "Tahun 2026")


def test_village_options_name_their_district_and_a_village_elsewhere_is_refused(
    street_case, samarinda_staff
):
    form = CaseForm(instance=street_case, regency_code=SAMARINDA)
    html = str(form["village"])
    village = street_case.village
    assert 'data-narrowed-by="district"' in html
    assert re.search(rf'value="{village.code}"[^>]* data-district="{village.parent_id}"', html)
    elsewhere = Region.objects.filter(level="village", code__startswith=f"{SAMARINDA}.").exclude(
        parent=village.parent
    )[0]
    data = {f: form[f].value() for f in form.fields}
    data |= {"district": village.parent_id, "village": elsewhere.code}
    bound = CaseForm(data=data, instance=street_case, regency_code=SAMARINDA)
    assert not bound.is_valid() and "village" in bound.errors


def test_the_tuna_susila_form_asks_what_the_other_programmes_ask():
    fields = SexWorkDetailForm().fields
    for name in ("location_found", "first_contact", "shelter", "training", "returned_home_on"):
        assert name in fields
