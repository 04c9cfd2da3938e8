"""A name keeps no bidirectional-override or control character, and nobody is born after today:
in the person form, the person services (which the KUBE member form goes through) and imports."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cases import services
from cases.models import Person
from cases.validators import BIRTH_DATE_IN_FUTURE
from pmks_portal.names import clean_name
from tests.cases.test_import import commit, csv_bytes, row, upload
from tests.cases.test_views import person_post

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
# 10 May 2026, 07:30 in Samarinda: still 9 May in UTC, so "today" must be WITA's.
MORNING = datetime(2026, 5, 10, 7, 30, tzinfo=WITA)
IN_ENGLISH = "The date of birth cannot be after today."
IN_INDONESIAN = "Tanggal lahir tidak boleh setelah hari ini."


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Siti\u202eadroN", "SitiadroN"),  # right-to-left override
        ("\u202aAndi\u202c Saputra", "Andi Saputra"),  # embedding and pop
        ("\u2066Rudi\u2069 \u2067Hartono\u2068", "Rudi Hartono"),  # isolates
        ("Ani\u0000\u0007\u001b\u007f\u0085\u009fta", "Anita"),  # C0, DEL, C1
        ("Budi\tSantoso\r\nJr", "Budi Santoso Jr"),  # white space separates words
        ("  Nur   Aini ", "Nur Aini"),
        ("Ñandu O'Brien-Siregar", "Ñandu O'Brien-Siregar"),  # letters and punctuation stay
    ],
)
def test_a_name_loses_override_and_control_characters(typed, stored):
    assert clean_name(typed) == stored


def test_the_person_service_stores_the_cleaned_name(samarinda_staff):
    person = services.person_create(
        actor=samarinda_staff,
        regency=samarinda_staff.regency,
        confirmed=True,
        data={"name": "Siti\u202e\u0007adroN", "sex": "P", "guardian_name": "Ibu\u2066 Ani"},
    )
    person.refresh_from_db()
    assert (person.name, person.guardian_name) == ("SitiadroN", "Ibu Ani")


@time_machine.travel(MORNING, tick=False)
def test_the_person_service_refuses_a_birth_date_after_today(samarinda_staff):
    for born in (date(2026, 5, 11), date(2999, 1, 1)):
        with pytest.raises(ValidationError) as refused:
            services.person_create(
                actor=samarinda_staff,
                regency=samarinda_staff.regency,
                confirmed=True,
                data={"name": "Bayi Baru", "sex": "L", "birth_date": born},
            )
        assert "birth_date" in refused.value.message_dict
    assert not Person.objects.filter(name="Bayi Baru").exists()
    born_today = services.person_create(
        actor=samarinda_staff,
        regency=samarinda_staff.regency,
        confirmed=True,
        data={"name": "Bayi Baru", "sex": "L", "birth_date": date(2026, 5, 10)},
    )
    assert born_today.birth_date == date(2026, 5, 10)


@time_machine.travel(MORNING, tick=False)
def test_the_person_form_says_in_indonesian_that_a_birth_date_is_after_today(
    samarinda_staff, login
):
    client = login(samarinda_staff)
    response = client.post(
        reverse("cases:person-create"),
        person_post(name="Bayi Baru", birth_date="2999-01-01", estimated_age=""),
    )
    assert response.status_code == 200
    assert IN_ENGLISH in response.content.decode()  # the suite's pages are in English
    assert not Person.objects.filter(name="Bayi Baru").exists()


@time_machine.travel(MORNING, tick=False)
def test_an_import_row_with_a_birth_date_after_today_is_refused(samarinda_staff):
    batch = upload(
        samarinda_staff,
        csv_bytes([row(nama="Bayi Baru", tanggal_lahir="2999-01-01", nik="")]),
    )
    assert batch.valid_rows == 0
    reasons = [p["reasons"] for p in batch.summary["problems"]]
    assert IN_ENGLISH in str(reasons)


def test_the_message_reads_in_indonesian_by_default():
    with translation.override("id"):
        assert str(BIRTH_DATE_IN_FUTURE) == IN_INDONESIAN


@time_machine.travel(MORNING, tick=False)
def test_an_imported_name_loses_override_characters(samarinda_staff):
    batch = upload(samarinda_staff, csv_bytes([row(nama="Siti\u202eadroN", nik="")]))
    assert batch.valid_rows == 1
    commit(samarinda_staff, batch)
    assert Person.objects.filter(name="SitiadroN").exists()
