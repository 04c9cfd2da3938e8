"""The Rakornis as the agency meets it, in Chromium (issue 5):

a provincial officer records a meeting, registers its participants from the committee's file,
records attendance at the door on a phone and from the list, and two recommendations, one for
Kota Samarinda and one for Kota Balikpapan; each city's staff then update their own follow-up
with evidence, and can neither open nor change the other's.

Every action goes through the pages; the ORM only checks what was stored at the end.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from rakornis.models import (
    Attendance,
    Evidence,
    FollowUp,
    FollowUpStatus,
    FollowUpUpdate,
    Meeting,
    Participant,
)
from tests.browser.conftest import OFFICE_LAPTOP, PHONE, _open_page
from tests.conftest import BALIKPAPAN, SAMARINDA
from tests.rakornis.conftest import tiny_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Rakornis Kesejahteraan Sosial se-Kalimantan Timur 2026"
PARTICIPANTS_CSV = (
    "Nama;Jabatan;Instansi;Kabupaten/Kota;Peran\n"
    "Siti Rahmawati;Kabid Rehsos;Dinas Sosial Kota Samarinda;Kota Samarinda;Peserta\n"
    "Budi Santoso;Kasi Rehabilitasi Anak;Dinas Sosial Kota Balikpapan;Balikpapan;Peserta\n"
    "Andi Pratama;Kabid Linjamsos;Dinas Sosial Kabupaten Kutai Timur;Kutai Timur;Peserta\n"
    "Dr. Rina Kusuma;Dosen;Universitas Mulawarman;Samarinda;Narasumber\n"
    "Yusuf Hakim;Ketua;Forum CSR Kaltim;Provinsi;Tamu\n"
)


def path_of(page) -> str:
    return page.page.url.removeprefix(page.base_url).split("?")[0].split("#")[0]


def submit(page, form_selector: str) -> None:
    with page.page.expect_navigation():
        page.page.click(f"{form_selector} button[type=submit]")


def test_a_meeting_from_recording_to_each_regencys_own_follow_up(
    chromium, portal, browser_page, tmp_path
):
    today = timezone.localdate()
    first_day, last_day = today - timedelta(days=1), today
    page = browser_page.page

    # The provincial officer records the meeting, reached from the main menu.
    browser_page.log_in("provinsi")
    with page.expect_navigation():
        page.click("[data-testid=main-menu] a[data-menu='rakornis:list']")
    with page.expect_navigation():
        page.click(f"a[href='{reverse('rakornis:create')}']")
    page.select_option("#id_type", "rakornis")
    page.fill("#id_title", TITLE)
    page.fill("#id_theme", "Sinergi penanganan PMKS")
    page.fill("#id_year", str(first_day.year))
    page.fill("#id_edition", "9")
    page.select_option("#id_host_regency", "64.08")
    page.fill("#id_venue", "Ruang Meranti, Kantor Bupati, Sangatta")
    page.fill("#id_starts_on", first_day.isoformat())
    page.fill("#id_ends_on", last_day.isoformat())
    page.select_option("#id_status", "held")
    page.fill("#id_organiser", "Bidang Rehabilitasi Sosial")
    submit(browser_page, "main form")
    meeting = Meeting.objects.get()
    assert path_of(browser_page) == reverse("rakornis:detail", args=[meeting.pk])
    assert page.get_by_test_id("meeting-title").inner_text() == TITLE

    # Participants from the committee's file.
    browser_page.goto("rakornis:participant-import", pk=meeting.pk)
    csv_file = tmp_path / "peserta.csv"
    csv_file.write_text(PARTICIPANTS_CSV, encoding="utf-8")
    page.set_input_files("#id_file", str(csv_file))
    submit(browser_page, "main form[enctype]")
    assert path_of(browser_page) == reverse("rakornis:participants", args=[meeting.pk])
    assert Participant.objects.filter(meeting=meeting).count() == 5
    counts = page.get_by_test_id("counts-by-regency")
    assert counts.locator(f"tr[data-regency='{SAMARINDA}'] td").nth(2).inner_text() == "2"

    # At the door, on a phone: find a name, tap present.
    phone_context, phone = _open_page(chromium, portal, PHONE, is_mobile=True, has_touch=True)
    try:
        phone.log_in("provinsi")
        phone.goto("rakornis:door", pk=meeting.pk)
        phone.page.fill("#door-search", "siti")
        visible = phone.page.locator("#door-list li:not([hidden])")
        assert visible.count() == 1
        visible.get_by_test_id("mark-present").tap()
        # (A locator assertion: wait_for_function would evaluate a string, which the CSP forbids.)
        expect(phone.page.locator("[data-present-count]")).to_have_text("1")
        button = visible.get_by_test_id("mark-present")
        assert button.get_attribute("aria-pressed") == "true" and button.is_enabled()
        assert phone.horizontal_overflow() == 0
        phone.screenshot("rakornis-door-390x844")
        phone.assert_no_script_errors()
    finally:
        phone_context.close()
    siti = Participant.objects.get(name="Siti Rahmawati")
    assert list(siti.attendances.values_list("day", flat=True)) == [today]

    # From the list: yesterday's attendance, ticked for two people.
    browser_page.goto("rakornis:participants", pk=meeting.pk)
    with page.expect_navigation():
        page.goto(
            browser_page.base_url
            + reverse("rakornis:participants", args=[meeting.pk])
            + f"?day={first_day.isoformat()}"
        )
    budi = Participant.objects.get(name="Budi Santoso")
    page.check(f"#present-{siti.pk}")
    page.check(f"#present-{budi.pk}")
    submit(browser_page, f"form[action='{reverse('rakornis:attendance-save', args=[meeting.pk])}']")
    assert set(
        Attendance.objects.filter(day=first_day).values_list("participant__name", flat=True)
    ) == {"Siti Rahmawati", "Budi Santoso"}
    browser_page.screenshot("rakornis-participants-1366x768")

    # Two recommendations, one for each city.
    due = today + timedelta(days=30)
    for text, category, regency in [
        ("Bebaskan korban pasung yang terdata", "pasung", SAMARINDA),
        ("Pendataan ulang anak jalanan di simpang utama", "street_children", BALIKPAPAN),
    ]:
        browser_page.goto("rakornis:recommendation-create", pk=meeting.pk)
        page.fill("#id_text", text)
        page.select_option("#id_category", category)
        page.fill("#id_due_on", due.isoformat())
        page.check(f"input[name=regencies][value='{regency}']")
        page.select_option("#id_indicator", "resolved")
        submit(browser_page, "main form")
    samarinda_follow_up = FollowUp.objects.get(regency_id=SAMARINDA)
    balikpapan_follow_up = FollowUp.objects.get(regency_id=BALIKPAPAN)
    browser_page.goto("rakornis:detail", pk=meeting.pk)
    assert page.get_by_test_id("recommendation").count() == 2
    browser_page.screenshot("rakornis-meeting-1366x768")

    # Samarinda's staff report on their follow-up, with evidence...
    evidence = tmp_path / "laporan-pembebasan.pdf"
    evidence.write_bytes(tiny_pdf("Laporan pembebasan"))
    for username, own, other, note in [
        ("samarinda", samarinda_follow_up, balikpapan_follow_up, "Dua korban dibebaskan."),
        ("balikpapan", balikpapan_follow_up, samarinda_follow_up, "Pendataan di 6 simpang."),
    ]:
        context, staff = _open_page(chromium, portal, OFFICE_LAPTOP)
        try:
            staff.log_in(username)
            staff.goto("rakornis:follow-ups")
            rows = staff.page.get_by_test_id("follow-up-list").locator("tbody tr")
            assert rows.count() == 1
            with staff.page.expect_navigation():
                rows.first.locator("a").click()
            assert path_of(staff) == reverse("rakornis:follow-up", args=[own.pk])
            staff.page.select_option("#id_status", "in_progress")
            staff.page.fill("#id_note", note)
            staff.page.set_input_files("#id_evidence", str(evidence))
            submit(staff, "form[enctype]")
            assert staff.page.get_by_test_id("follow-up-status").first.get_attribute("class")
            assert note in staff.page.get_by_test_id("updates").inner_text()
            staff.screenshot(f"rakornis-follow-up-{username}-1366x768")

            # ...and can neither open the other city's follow-up nor change it.
            response = staff.goto("rakornis:follow-up", pk=other.pk)
            assert response.status == 404
            staff.goto("rakornis:follow-up", pk=own.pk)
            status = staff.page.evaluate(
                """async (url) => {
                    const form = document.querySelector("form[enctype]");
                    const data = new FormData(form);
                    data.set("status", "done");
                    data.set("note", "Bukan urusan kami");
                    const response = await fetch(url, {method: "POST", body: data});
                    return response.status;
                }""",
                reverse("rakornis:follow-up-update", args=[other.pk]),
            )
            assert status == 404
            staff.assert_no_script_errors()
        finally:
            context.close()

    for follow_up, note, username in [
        (samarinda_follow_up, "Dua korban dibebaskan.", "samarinda"),
        (balikpapan_follow_up, "Pendataan di 6 simpang.", "balikpapan"),
    ]:
        follow_up.refresh_from_db()
        assert follow_up.status == FollowUpStatus.IN_PROGRESS
        (update,) = FollowUpUpdate.objects.filter(follow_up=follow_up)
        assert (update.note, update.by.username) == (note, username)
        assert Evidence.objects.get(follow_up=follow_up).original_name == "laporan-pembebasan.pdf"
