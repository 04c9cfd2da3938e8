"""Fixtures of the whole suite: Kaltim's regions and named personas, one per role and regency.

Kaltim's regions (1 province, 10 regencies/cities, 105 districts, 1,038 villages) are loaded once
into the test database when it is created; each test runs in a transaction that is rolled back,
so every test starts from the same regions. Tests that commit (`transactional_db`, the live
server) flush the database afterwards; the `kaltim` fixture loads the regions again when that
has happened, on SQLite and PostgreSQL alike.
"""

from pathlib import Path

import pytest
from django.conf import settings

from accounts import services
from accounts.models import User
from accounts.roles import Role
from pmks_portal import choices_cache
from regions.loader import load_province
from regions.models import Region
from tests import clock
from tests.helpers import PERSONA_PASSWORD, client_for, sign_in

KALTIM = "64"
SAMARINDA = "64.72"
BALIKPAPAN = "64.71"


def pytest_configure(config):
    """`PMKS_TEST_NOW` moves the whole run to one moment (tests/clock.py: the calendar's edges)."""
    config._pmks_now = clock.start_from_environment()


def pytest_unconfigure(config):
    clock.stop()


def pytest_collection_modifyitems(config, items):
    """Marks the date-sensitive tests `calendar` (tests/clock.py lists them)."""
    root = config.rootpath
    for item in items:
        if clock.is_calendar_test(item.path.relative_to(root).as_posix()):
            item.add_marker(pytest.mark.calendar)


def pytest_report_header(config):
    moment = getattr(config, "_pmks_now", None)
    return f"clock: moved to {moment.isoformat()} ({clock.ENV})" if moment else None


def ensure_kaltim() -> Region:
    """Kaltim's regions, loaded from the official list when they are not in the database."""
    province = Region.objects.filter(code=KALTIM).first()
    if province is None:
        province = load_province(settings.REGIONS_DATA_DIR, KALTIM).province
    return province


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with Kaltim's regions loaded once for the session."""
    with django_db_blocker.unblock():
        ensure_kaltim()


@pytest.fixture(autouse=True)
def fresh_choices():
    """Each test's filter lists come from its own database, not a cache an earlier test filled
    (its changes were rolled back, and their on-commit forget() never ran)."""
    choices_cache.forget_now()


@pytest.fixture(autouse=True)
def fresh_report_caches():
    """Likewise the province map's outlines (reports.maps.selectors) and the issued reports'
    figures (reports.versions): an earlier test's upload or report was rolled back, what it
    cached must not show in this test's dashboards; so the DTSEN worklist's counts."""
    from dtsen import selectors as dtsen_selectors
    from reports import versions
    from reports.maps import selectors

    selectors.forget()
    versions.forget_issued()
    dtsen_selectors.forget_counts()


@pytest.fixture
def kaltim(db) -> Region:
    """The province of Kalimantan Timur (64), with its regencies, districts and villages."""
    return ensure_kaltim()


@pytest.fixture
def samarinda(kaltim) -> Region:
    return Region.objects.get(code=SAMARINDA)


@pytest.fixture
def balikpapan(kaltim) -> Region:
    return Region.objects.get(code=BALIKPAPAN)


def make_persona(username: str, role: str, regency: Region | None = None) -> User:
    """A user as an administrator would create one, with a known password."""
    return services.user_create(
        actor=None,
        username=username,
        role=role,
        regency=regency,
        email=f"{username}@example.invalid",
        first_name=username.replace("_", " ").title(),
        password=PERSONA_PASSWORD,
    )


@pytest.fixture
def admin(kaltim) -> User:
    """Adi, the system administrator: users and regions, province-wide."""
    return make_persona("adi_admin", Role.ADMIN)


@pytest.fixture
def provincial_officer(kaltim) -> User:
    """Putri, provincial officer: reads everything in the province."""
    return make_persona("putri_provinsi", Role.PROVINCIAL_OFFICER)


@pytest.fixture
def samarinda_staff(samarinda) -> User:
    """Sari, staff of Kota Samarinda (64.72): reads and writes her city's records."""
    return make_persona("sari_samarinda", Role.REGENCY_STAFF, samarinda)


@pytest.fixture
def samarinda_viewer(samarinda) -> User:
    """Vino, viewer in Kota Samarinda (64.72): reads his city's records."""
    return make_persona("vino_samarinda", Role.REGENCY_VIEWER, samarinda)


@pytest.fixture
def balikpapan_staff(balikpapan) -> User:
    """Bayu, staff of Kota Balikpapan (64.71): the other city, which Samarinda must never see."""
    return make_persona("bayu_balikpapan", Role.REGENCY_STAFF, balikpapan)


@pytest.fixture
def no_role_user(kaltim) -> User:
    """Nina, an account without a role (as createsuperuser leaves one): sees nothing.

    Not made by services.user_create, which refuses an account without a role.
    """
    return User.objects.create_user(
        username="nina_tanpa_peran", email="nina@example.invalid", password=PERSONA_PASSWORD
    )


PERSONAS = [
    "admin",
    "provincial_officer",
    "samarinda_staff",
    "samarinda_viewer",
    "balikpapan_staff",
    "no_role_user",
]


@pytest.fixture
def personas(request) -> dict[str, User]:
    """Every persona by fixture name."""
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.fixture
def login(client):
    """Signs the test client in as a persona: `login(samarinda_staff)`; returns the client."""

    def sign_in_as(user):
        return sign_in(client, user)

    return sign_in_as


@pytest.fixture
def client_as(db):
    """A new client per persona, for tests with two people at once: `client_as(admin)`."""
    return client_for


@pytest.fixture
def english(settings):
    """Messages asserted in English, the source language, though the portal defaults to
    Indonesian: pages follow LANGUAGE_CODE when the test client sends no Accept-Language."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


# --- Shared fixtures of the app packages (house, #18) ----------------------------------------

# The packages whose every test reads the portal in English (their assertions quote messages).
ENGLISH_PACKAGES = frozenset({"api", "cases", "kube", "privacy", "rakornis", "reports"})


@pytest.fixture(autouse=True)
def in_english(request):
    """Every test under the ENGLISH_PACKAGES folders reads the portal in English."""
    package = Path(request.node.path).relative_to(Path(__file__).parent).parts[0]
    if package in ENGLISH_PACKAGES:
        request.getfixturevalue("english")
