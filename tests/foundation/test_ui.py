"""The base UI: navigation by role, language switch, Rupiah and NIK formatting, no inline code."""

import io
import logging
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from pmks_portal import access
from pmks_portal.logfilters import MaskNikFilter
from pmks_portal.templatetags.portal import mask_id_number, rupiah
from tests.helpers import client_for, project_routes
from tests.test_access_matrix import SAMPLES, Context, samples_for

NIK = "6472014506900001"


def menu_of(response) -> list[str]:
    return [entry["url_name"] for entry in response.context["main_menu"]]


# --- Navigation -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admins_see_users_in_the_menu_and_regency_staff_do_not(admin, samarinda_staff, client_as):
    admin_home = client_as(admin).get(reverse("home"))
    staff_home = client_as(samarinda_staff).get(reverse("home"))

    assert "accounts:user-list" in menu_of(admin_home)
    assert b'data-menu="accounts:user-list"' in admin_home.content
    assert "accounts:user-list" not in menu_of(staff_home)
    assert b'data-menu="accounts:user-list"' not in staff_home.content
    assert b"/pengguna/" not in staff_home.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona",
    ["admin", "provincial_officer", "samarinda_staff", "samarinda_viewer", "no_role_user"],
)
def test_every_menu_entry_leads_to_a_page_the_user_may_open(persona, request):
    client = client_for(request.getfixturevalue(persona))
    entries = client.get(reverse("home")).context["main_menu"]
    assert entries[0]["url_name"] == "home"
    for entry in entries:
        assert client.get(entry["url"]).status_code == 200, entry["url_name"]


@pytest.mark.django_db
def test_a_user_without_a_role_is_told_to_ask_an_administrator(no_role_user, client_as):
    response = client_as(no_role_user).get(reverse("home"))
    assert menu_of(response) == ["home", "worklists:mine", "regions:list"]
    assert b"alert-warning" in response.content
    # Where a sign-in lands ("Tugas saya", #14) says so too.
    assert b"alert-warning" in client_as(no_role_user).get(reverse("worklists:mine")).content


@pytest.mark.django_db
def test_the_page_shows_who_is_signed_in_with_role_and_regency(samarinda_staff, client_as):
    content = client_as(samarinda_staff).get(reverse("home")).content.decode()
    assert samarinda_staff.get_full_name() in content
    assert "Kota Samarinda" in content


# --- Language ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_portal_speaks_bahasa_indonesia_by_default(samarinda_staff, client_as):
    response = client_as(samarinda_staff).get(reverse("home"))
    assert response["Content-Language"] == "id"
    assert b'<html lang="id">' in response.content


@pytest.mark.django_db
def test_the_language_switch_changes_the_page_language(samarinda_staff, client_as):
    client = client_as(samarinda_staff)
    indonesian = client.get(reverse("home")).content

    switched = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    english = client.get(reverse("home"))

    assert switched.status_code == 302
    assert switched["Location"] == reverse("home")
    assert english["Content-Language"] == "en"
    assert b'<html lang="en">' in english.content
    assert english.content != indonesian
    assert b"Sign out" in english.content


@pytest.mark.django_db
def test_the_language_switch_works_before_signing_in(kaltim, client):
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert client.get(reverse("login"))["Content-Language"] == "en"


@pytest.mark.django_db
def test_the_language_switch_does_not_redirect_to_another_site(kaltim, client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


# --- Rupiah and identity numbers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (20000000, "Rp 20.000.000"),
        (Decimal("20000000"), "Rp 20.000.000"),
        ("1500000", "Rp 1.500.000"),
        (0, "Rp 0"),
        (999, "Rp 999"),
        (-1500, "-Rp 1.500"),
        (Decimal("1234.5"), "Rp 1.234,50"),
        (Decimal("1234567.89"), "Rp 1.234.567,89"),
        (Decimal("-0.75"), "-Rp 0,75"),
        (Decimal("19999.999"), "Rp 20.000"),
        (Decimal("0.004"), "Rp 0"),
        (12.5, "Rp 12,50"),
    ],
)
def test_rupiah_is_written_the_indonesian_way(value, shown):
    assert rupiah(value) == shown


@pytest.mark.parametrize("value", [None, "", "abc", "NaN", "Infinity", "-Infinity", [1]])
def test_rupiah_of_something_that_is_not_an_amount_is_empty(value):
    assert rupiah(value) == ""


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (NIK, "6472********0001"),
        (int(NIK), "6472********0001"),
        ("12345", "*****"),
        ("", ""),
        (None, ""),
    ],
)
def test_identity_numbers_are_masked_in_the_middle(value, shown):
    assert mask_id_number(value) == shown


def log_through_the_nik_filter(emit) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskNikFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("pmks.test.masking")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        emit(logger)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return stream.getvalue()


def test_sixteen_digit_numbers_are_masked_in_log_messages():
    output = log_through_the_nik_filter(
        lambda log: log.warning("duplicate nik=%s kk=%s", NIK, "6472010101010002")
    )
    assert NIK not in output and "6472010101010002" not in output
    assert "nik=6472********0001 kk=6472********0002" in output


def test_longer_or_shorter_digit_runs_are_left_alone_in_logs():
    output = log_through_the_nik_filter(
        lambda log: log.info("order %s and phone %s", "12345678901234567", "081255550101")
    )
    assert "12345678901234567" in output and "081255550101" in output


def test_a_nik_in_an_error_traceback_is_masked_too():
    def fail(log):
        try:
            raise ValueError(f"NIK {NIK} is already registered")
        except ValueError:
            log.exception("could not save person")

    output = log_through_the_nik_filter(fail)
    assert "Traceback" in output
    assert NIK not in output
    assert "NIK 6472********0001 is already registered" in output


def test_the_console_log_handler_masks_nik():
    from django.conf import settings

    handler = settings.LOGGING["handlers"]["console"]
    assert "mask_nik" in handler["filters"]
    assert settings.LOGGING["filters"]["mask_nik"]["()"].endswith("MaskNikFilter")


# --- No inline code in any page ---------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def inline_code_in(html: str) -> list[str]:
    found = []
    for name, pattern in [
        ("inline <script>", INLINE_SCRIPT),
        ("style= attribute", STYLE_ATTRIBUTE),
        ("<style> element", STYLE_ELEMENT),
        ("inline event handler", EVENT_HANDLER),
        ("javascript: URL", JAVASCRIPT_URL),
    ]:
        found += [f"{name}: {match.group(0)[:80]}" for match in pattern.finditer(html)]
    return found


def test_the_inline_code_scanner_finds_what_it_looks_for():
    html = '<script>alert(1)</script><p style="color:red" onclick="x()"><style>p{}</style>'
    assert len(inline_code_in(html)) == 4
    assert inline_code_in('<script src="/static/js/portal.js" defer></script>') == []


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [None, "admin", "provincial_officer", "samarinda_staff"])
def test_no_page_has_inline_scripts_or_styles(persona, personas, request, settings, tmp_path):
    """Every URL of the project, as the persona sees it (GET, and POST with an empty form)."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path
    user = request.getfixturevalue(persona) if persona else None
    ctx = Context(personas)
    problems, pages = [], 0
    for route in project_routes():
        if access.policy_of(route.view) is None or (
            route.kwarg_names and route.name not in SAMPLES
        ):
            continue  # the access matrix reports these
        for sample in samples_for(route):
            url = reverse(route.name, kwargs=sample.kwargs(sample.target(ctx), ctx))
            for method in ("get", "post"):
                response = getattr(client_for(user), method)(url)
                if "text/html" not in response.get("Content-Type", ""):
                    continue
                if response.status_code in (301, 302, 303):
                    continue
                pages += 1
                problems += [
                    f"{method.upper()} {url}: {p}"
                    for p in inline_code_in(response.content.decode())
                ]
    assert pages >= 5
    assert not problems, "\n".join(problems)
