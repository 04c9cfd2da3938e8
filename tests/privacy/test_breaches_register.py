"""Breaches with their 3 × 24 h clock and notices; the register; the DPO's contact."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEvent
from privacy.models import Breach, BreachNotification, ProcessingActivity

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
FOUND = datetime(2026, 11, 20, 9, 0, tzinfo=WITA)


def _record(client):
    return client.post(
        reverse("pdp:breaches"),
        {
            "found_at": "2026-11-20T09:00",
            "description": "Laptop staf hilang berisi ekspor kasus",
            "subjects_affected": 120,
            "data_categories": "nama, NIK, kategori PMKS",
            "handling": "",
        },
    )


def test_an_admin_records_a_breach_and_the_deadline_shows(login, admin):
    client = login(admin)
    with time_machine.travel(FOUND + timedelta(hours=1), tick=False):
        response = _record(client)
        breach = Breach.objects.get()
        assert response.status_code == 302
        assert breach.deadline == datetime(2026, 11, 23, 9, 0, tzinfo=WITA)
        page = client.get(reverse("pdp:breach", args=[breach.pk])).content.decode()
        assert page.count('data-state="running"') == 2 and "71 h 0 min left" in page
    with time_machine.travel(FOUND + timedelta(hours=30), tick=False):
        client.post(
            reverse("pdp:breach-notify", args=[breach.pk]),
            {"recipient": "authority", "sent_at": "2026-11-21T14:00", "means": "surat",
             "content": "Pemberitahuan awal"},
        )  # fmt: skip
    with time_machine.travel(FOUND + timedelta(hours=80), tick=False):
        page = client.get(reverse("pdp:breach", args=[breach.pk])).content.decode()
    # Told the authority in time; the subjects not yet, and the clock is past due.
    assert 'data-state="done"' in page and 'data-state="overdue"' in page
    notice = BreachNotification.objects.get()
    assert notice.recorded_by == admin and notice.recipient == "authority"
    assert AuditEvent.objects.filter(target_type="privacy.breach").count() == 2


def test_only_admins_handle_breaches_and_the_register(login, provincial_officer, samarinda_staff):
    for user in (provincial_officer, samarinda_staff):
        client = login(user)
        assert client.get(reverse("pdp:breaches")).status_code == 403
        assert client.get(reverse("pdp:register")).status_code == 403
        assert _record(client).status_code == 403
    assert not Breach.objects.exists()


def test_the_register_is_edited_and_printed(login, admin):
    client = login(admin)
    data = {
        "name": "Registrasi PMKS",
        "purpose": "Penanganan PMKS",
        "legal_basis": "UU 11/2009; Permensos 8/2012",
        "data_categories": "identitas, kesehatan jiwa (spesifik), data anak (spesifik)",
        "subject_categories": "PMKS, wali",
        "recipients": "Dinsos kabupaten/kota; rumah sakit rujukan",
        "retention": "5 tahun setelah kasus berakhir (anak 10, tuna susila 2)",
        "safeguards": "",
    }
    assert client.post(reverse("pdp:activity-create"), data).status_code == 302
    activity = ProcessingActivity.objects.get()
    data["recipients"] = "Dinsos kabupaten/kota"
    client.post(reverse("pdp:activity-edit", args=[activity.pk]), data)
    activity.refresh_from_db()
    assert activity.recipients == "Dinsos kabupaten/kota" and activity.updated_by == admin
    event = AuditEvent.objects.filter(target_type="privacy.processingactivity").latest("at")
    assert event.changes == {
        "recipients": ["Dinsos kabupaten/kota; rumah sakit rujukan", "Dinsos kabupaten/kota"]
    }
    printed = client.get(reverse("pdp:register"), {"cetak": "1"}).content.decode()
    assert "Registrasi PMKS" in printed and "<nav" not in printed


def test_the_about_page_names_the_data_protection_officer(login, samarinda_viewer, settings):
    settings.PMKS_DPO = {**settings.PMKS_DPO, "name": "Ir. Siti Aminah", "email": "ppid@example.id"}
    page = login(samarinda_viewer).get(reverse("about")).content.decode()
    assert "Ir. Siti Aminah" in page and "mailto:ppid@example.id" in page
