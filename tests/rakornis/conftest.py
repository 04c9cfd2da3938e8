"""Records of the Rakornis for tests: a meeting held three weeks ago, and its recommendations
for Kota Samarinda and Kota Balikpapan, all made through the services as the agency would."""

from datetime import date, timedelta
from itertools import count

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from cases.categories_data import load_default_categories
from cases.models import Category, CategoryAlias
from rakornis import services
from rakornis.models import InstitutionType, MeetingStatus, MeetingType
from regions.models import Region
from tests.bodies import tiny_pdf  # noqa: F401 - the Rakornis tests take it from here
from tests.browser.conftest import browser_page, chromium, phone_page, portal  # noqa: F401
from tests.conftest import BALIKPAPAN, SAMARINDA
from tests.factories import register
from tests.helpers import sign_in

KUTAI_TIMUR = "64.08"


def pytest_collection_modifyitems(config, items):
    """This package's browser test runs after its other tests: the Chromium it shares (package
    scope, tests/browser/conftest.py) and the async-unsafe allowance Playwright needs then end
    with the package, and every other test here keeps Django's guard."""
    mine = [item for item in items if item.nodeid.startswith("tests/rakornis/")]
    if not mine:
        return
    first = items.index(mine[0])
    if items[first : first + len(mine)] != mine:
        return
    mine.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    items[first : first + len(mine)] = mine


def today() -> date:
    return timezone.localdate()


def make_meeting(officer, **overrides):
    """A two-day Rakornis hosted by Kutai Timur that ended 19 days ago (unless overridden)."""
    starts = today() - timedelta(days=20)
    data = {
        "type": MeetingType.RAKORNIS,
        "title": "Rakornis Kesejahteraan Sosial se-Kalimantan Timur",
        "theme": "Sinergi penanganan PMKS",
        "year": starts.year,
        "edition": 7,
        "host_regency": Region.objects.get(code=KUTAI_TIMUR),
        "venue": "Ruang Meranti, Kantor Bupati, Sangatta",
        "starts_on": starts,
        "ends_on": starts + timedelta(days=1),
        "organiser": "Bidang Rehabilitasi Sosial",
        "opened_by": "Staf Ahli Gubernur",
        "status": MeetingStatus.HELD,
    }
    data.update(overrides)
    if "starts_on" in overrides and "year" not in overrides:
        data["year"] = data["starts_on"].year
    return services.meeting_create(actor=officer, data=data)


def recommendation_data(meeting, **overrides) -> dict:
    data = {
        "text": "Setiap kabupaten/kota membebaskan korban pasung yang terdata.",
        "category": "pasung",
        "due_on": meeting.ends_on + timedelta(days=10),
        "provincial_unit": "",
        "indicator": "",
        "indicator_programme": "",
        "direction": "",
        "window_before_days": 90,
        "window_after_days": 90,
    }
    data.update(overrides)
    return data


def make_recommendation(officer, meeting, regency_codes=(SAMARINDA, BALIKPAPAN), **overrides):
    return services.recommendation_create(
        actor=officer,
        meeting=meeting,
        data=recommendation_data(meeting, **overrides),
        regencies=list(Region.objects.filter(code__in=regency_codes)),
    )


_participants = count(1)


def participant_data(regency_code=SAMARINDA, **overrides) -> dict:
    number = next(_participants)
    data = {
        "name": f"Peserta {number}",
        "position": "Staf",
        "institution": f"Dinas Sosial {regency_code}",
        "institution_type": InstitutionType.REGENCY_DINSOS,
        "regency": Region.objects.get(code=regency_code) if regency_code else None,
        "role": "participant",
        "phone": "",
        "email": "",
        "invited": True,
    }
    data.update(overrides)
    return data


def register_case(staff, *, name: str, category: str = "AJ", found_on: date, pasung=False):
    """A person and a case of the staff's regency, found (and registered) on a given day."""
    return register(
        staff,
        name=name,
        category=category,
        birth_date=date(1980, 1, 1),
        is_pasung=pasung,
        found_on=found_on,
        registered_on=found_on,
        restraint_form="chain",
    )


def upload(name: str, content: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def client():
    """A test client whose browser asks for English, the language messages are asserted in."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def client_as(db):
    """A new English-speaking client per persona: `client_as(samarinda_staff)`."""

    def make(user):
        english_client = Client(HTTP_ACCEPT_LANGUAGE="en")
        return sign_in(english_client, user) if user is not None else english_client

    return make


@pytest.fixture(autouse=True)
def categories(db):
    """The 26 categories: loaded by migration, but gone after a transactional test's flush."""
    load_default_categories(Category, CategoryAlias)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploads of each test go to a folder of their own."""
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def meeting(provincial_officer):
    return make_meeting(provincial_officer)


@pytest.fixture
def recommendation(provincial_officer, meeting):
    return make_recommendation(provincial_officer, meeting)


@pytest.fixture
def samarinda_follow_up(recommendation):
    return recommendation.follow_ups.get(regency_id=SAMARINDA)


@pytest.fixture
def balikpapan_follow_up(recommendation):
    return recommendation.follow_ups.get(regency_id=BALIKPAPAN)
