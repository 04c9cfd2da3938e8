"""No full NIK or KK number reaches a role that sees them masked, on any page or in any file.

Known numbers are planted on every person the access matrix's samples make (cases and KUBE
members point at them), through the person service twice, so that the history holds an old and
a new number as a user's edits would leave them. Then every URL the matrix knows is requested
with GET as each masked role (the regency viewer, the provincial officer, the administrator),
the lists and exports with their filters, search and file formats too, and every body is read
as text (pages, CSV, the XML inside an XLSX, a PDF's streams). Neither a planted number nor its
middle eight digits may appear. Error pages, error e-mails and logs are held to the same rule.
"""

import logging
import sys

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils.log import AdminEmailHandler
from django.views.debug import get_exception_reporter_class

from accounts.roles import REGENCY_ROLES
from cases.models import Person
from cases.services import PERSON_FIELDS, person_update
from pmks_portal import masking
from pmks_portal.access import Capability
from tests.bodies import readable_text
from tests.conftest import BALIKPAPAN, SAMARINDA
from tests.helpers import client_for, project_routes
from tests.test_access_matrix import QUERY_VARIANTS, Context, has_capability, samples_for

pytestmark = pytest.mark.django_db

MASKED_ROLES = ["admin", "provincial_officer", "samarinda_viewer"]
STAFF_OF = {SAMARINDA: "samarinda_staff", BALIKPAPAN: "balikpapan_staff"}


def _numbers(regency_code: str, index: int) -> tuple[tuple[str, str], tuple[str, str]]:
    """(NIK, KK) before and after the second edit: valid structure (a woman's birth date, a
    past issue date), distinct per person."""
    prefix = regency_code.replace(".", "") + "01"
    first = (
        f"{prefix}{41 + index:02d}0785{1001 + index}",
        f"{prefix}{10 + index:02d}0315{2001 + index}",
    )
    second = (
        f"{prefix}{50 + index:02d}0590{7001 + index}",
        f"{prefix}{12 + index:02d}0618{3001 + index}",
    )
    return first, second


def plant_numbers(ctx: Context) -> list[str]:
    """Makes every sample of the matrix, gives each person two NIK/KK edits; the numbers."""
    personas = ctx.personas
    for route in project_routes():
        for sample in samples_for(route):
            sample.kwargs(sample.target(ctx), ctx)  # the parameters make some objects too
    for code, staff in STAFF_OF.items():  # the matrix makes its persons without a creator
        Person.objects.filter(regency_id=code, created_by=None).update(created_by=personas[staff])
    planted = []
    for index, person in enumerate(Person.objects.order_by("pk")):
        for nik, kk in _numbers(person.regency_id, index):
            person.refresh_from_db()
            data = {field: getattr(person, field) for field in PERSON_FIELDS}
            data.update(nik=nik, kk_number=kk)
            person_update(
                actor=personas[STAFF_OF[person.regency_id]],
                person=person,
                expected_version=person.version,
                data=data,
                confirmed=True,
            )
            planted += [nik, kk]
    assert len(planted) >= 12, "the samples should include three persons of two regencies"
    return planted


def fragments(numbers: list[str]) -> set[str]:
    """Each number in full and its middle eight digits, which masking must hide."""
    return {part for number in numbers for part in (number, number[4:12])}


def urls_to_read(ctx: Context) -> list[str]:
    urls = []
    for route in project_routes():
        for sample in samples_for(route):
            url = reverse(route.name, kwargs=sample.kwargs(sample.target(ctx), ctx))
            urls.append(url)
            urls += [f"{url}?{query}" for query in QUERY_VARIANTS.get(route.name, [])]
    return urls


def exposed_numbers(user, urls: list[str], hidden: set[str]) -> list[str]:
    """'<url>: <fragment>' for every GET that is answered with one of the hidden fragments."""
    client = client_for(user)
    found = []
    # A name search, kept in the session: its results page and export are read too.
    search = client.post(reverse("cases:search"), {"q": "Orang"})
    for url in [*urls, search.get("Location", "")]:
        if not url:
            continue
        response = client.get(url)
        if response.status_code != 200:
            continue
        text = readable_text(response)
        found += [f"{url}: {part}" for part in sorted(hidden) if part in text]
    return found


@pytest.mark.parametrize("persona", MASKED_ROLES)
def test_no_page_or_file_shows_a_masked_role_a_full_nik_or_kk(
    persona, personas, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.CELERY_TASK_ALWAYS_EAGER = True
    user = personas[persona]
    assert not has_capability(user, Capability.SEE_FULL_IDS)
    ctx = Context(personas)
    planted = plant_numbers(ctx)
    if user.role in REGENCY_ROLES:
        assert Person.objects.filter(regency_id=user.regency_id).exists()
    urls = urls_to_read(ctx)
    exposed = exposed_numbers(user, urls, fragments(planted))
    assert not exposed, f"{persona} was shown identity numbers in full:\n" + "\n".join(exposed)


def test_the_scan_finds_a_number_that_a_page_shows_in_full(
    personas, settings, tmp_path, monkeypatch
):
    """The scan above is not blind: with the history's masking undone it reports the pages."""
    settings.MEDIA_ROOT = tmp_path
    ctx = Context(personas)
    planted = plant_numbers(ctx)
    person = Person.objects.filter(regency_id=SAMARINDA).order_by("pk").first()
    url = reverse("cases:person-detail", kwargs={"pk": person.pk})
    monkeypatch.setattr(masking, "mask_identifier", lambda value: str(value or ""))
    exposed = exposed_numbers(personas["samarinda_viewer"], [url], fragments(planted))
    assert any(person.nik in line for line in exposed)


def test_staff_still_see_their_own_persons_numbers_in_full(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plant_numbers(Context(personas))
    person = Person.objects.filter(regency_id=SAMARINDA).order_by("pk").first()
    page = client_for(personas["samarinda_staff"]).get(
        reverse("cases:person-detail", kwargs={"pk": person.pk})
    )
    assert person.nik in page.content.decode() and person.kk_number in page.content.decode()


def test_the_audit_trail_stores_numbers_masked_with_a_keyed_fingerprint(
    personas, settings, tmp_path
):
    from audit.models import AuditEvent

    settings.MEDIA_ROOT = tmp_path
    plant_numbers(Context(personas))
    person = Person.objects.filter(regency_id=SAMARINDA).order_by("pk").first()
    last = AuditEvent.objects.for_object(person).filter(changes__has_key="nik").first()
    old, new = last.changes["nik"]
    assert new == masking.mask_identifier(person.nik) and "*" in old
    assert last.changes[masking.FINGERPRINTS_KEY]["nik"][1] == masking.fingerprint(person.nik)
    # The same number always gives the same fingerprint, another number another one.
    assert masking.fingerprint(person.nik) != masking.fingerprint(person.kk_number)


def test_a_fingerprint_is_keyed_by_the_secret_and_matches_those_stored_before(settings):
    from django.utils.crypto import salted_hmac

    # The trail holds fingerprints made with Django's salted_hmac: the faster derivation must
    # give the very same ones, or a search by NIK would miss every older event.
    earlier = salted_hmac("pmks_portal.masking.fingerprint", NIK, algorithm="sha256")
    assert masking.fingerprint(NIK) == earlier.hexdigest()[:32]
    settings.SECRET_KEY = "another-secret-" + "x" * 40
    assert masking.fingerprint(NIK) != earlier.hexdigest()[:32]


NIK = "6472015505907777"


def _exception_info():
    try:
        nik = NIK  # a local variable of the failing frame, as an error report shows it
        raise ValueError(f"NIK {nik} was refused")
    except ValueError:
        return sys.exc_info()


def test_error_pages_mask_identity_numbers_in_messages_variables_and_the_request():
    request = RequestFactory().post("/kasus/orang/baru/", {"nik": NIK})
    reporter = get_exception_reporter_class(request)(request, *_exception_info())
    assert NIK not in reporter.get_traceback_html()
    assert NIK not in reporter.get_traceback_text()
    assert masking.mask_identifier(NIK) in reporter.get_traceback_text()


def test_error_e_mails_to_administrators_mask_identity_numbers(settings):
    settings.ADMINS = ["ops@example.invalid"]
    settings.DEBUG = False
    handler = logging.getLogger("django").handlers[0]
    assert isinstance(handler, AdminEmailHandler)
    request = RequestFactory().post("/kasus/orang/baru/", {"nik": NIK})
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Failed for %s", (NIK,), _exception_info()
    )
    record.request = request
    handler.handle(record)
    sent = mail.outbox[-1]
    assert NIK not in sent.subject and NIK not in sent.body
    assert masking.mask_identifier(NIK) in sent.body


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("6472011505907777", "6472********7777"),
        ("6472********7777", "6472********7777"),
        ("12345", "*****"),
        ("", ""),
        (None, ""),
    ],
)
def test_identity_numbers_keep_their_region_and_last_four_digits(value, shown):
    assert masking.mask_identifier(value) == shown


def test_events_written_before_the_trail_masked_numbers_are_masked_by_the_migration(kaltim):
    from importlib import import_module

    from django.apps import apps

    from audit.models import AuditEvent

    migration = import_module("audit.migrations.0002_mask_identifiers_in_trail")
    old = AuditEvent.objects.create(
        action="update",
        target_type="cases.person",
        target_id="1",
        changes={"nik": [None, NIK], "name": ["A", "B"]},
    )
    migration.mask_stored_identifiers(apps, None)
    old.refresh_from_db()
    assert old.changes["nik"] == [None, masking.mask_identifier(NIK)]
    assert old.changes["name"] == ["A", "B"]
    assert old.changes[masking.FINGERPRINTS_KEY]["nik"] == [None, masking.fingerprint(NIK)]
