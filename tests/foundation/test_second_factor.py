"""The second factor: admins and provincial officers cannot sign in without it; enrolment with a
QR code drawn by the portal, recovery codes, an administrator's reset (audited)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor
from audit.models import AuditEvent
from tests.helpers import PERSONA_PASSWORD

pytestmark = pytest.mark.django_db

# A fixed instant (08:00 WITA); each step moves on a minute, past the code's 30-second window.
START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
VERIFY = reverse("second_factor:verify")
ENROL = reverse("second_factor:enrol")
CODES = reverse("second_factor:recovery-codes")


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def code_of(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{TOTP(device.bin_key).token():06d}"


def password_only(user) -> Client:
    client = Client()
    response = client.post(
        reverse("login"), {"username": user.username, "password": PERSONA_PASSWORD}
    )
    assert response.status_code == 302  # the password was right
    return client


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


PAGES = ["home", "accounts:user-list", "cases:list", "reports:dashboard", "profile"]


@pytest.mark.parametrize("persona", ["admin", "provincial_officer"])
def test_admins_and_provincial_officers_cannot_sign_in_without_their_second_factor(
    persona, request
):
    user = request.getfixturevalue(persona)
    enrolled(user)
    client = password_only(user)

    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(VERIFY), name
    assert client.post(reverse("accounts:user-create"), {}).status_code == 302
    page = client.get(VERIFY)
    assert page.status_code == 200
    assert "Faktor kedua" in page.text


@pytest.mark.parametrize("persona", ["admin", "provincial_officer"])
def test_without_a_device_the_password_leads_to_enrolment_not_in(persona, request):
    client = password_only(request.getfixturevalue(persona))
    assert client.get(reverse("home"))["Location"].startswith(VERIFY)
    assert client.get(VERIFY)["Location"] == ENROL


def test_regency_staff_need_no_second_factor_by_default(samarinda_staff, samarinda_viewer):
    for user in (samarinda_staff, samarinda_viewer):
        assert password_only(user).get(reverse("home")).status_code == 200


def test_a_setting_asks_regency_staff_for_it_too(samarinda_staff, settings):
    settings.PMKS_SECOND_FACTOR_ROLES = [*settings.PMKS_SECOND_FACTOR_ROLES, "regency_staff"]
    assert password_only(samarinda_staff).get(reverse("home"))["Location"].startswith(VERIFY)


def test_enrolment_shows_a_qr_code_drawn_here_and_gives_recovery_codes(admin, clock):
    client = password_only(admin)
    page = client.get(ENROL)
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.text  # drawn by the portal: no outside service
    assert "style=" not in page.context["qr_code"]  # nothing for the CSP to block
    device = TOTPDevice.objects.get(user=admin)
    assert not device.confirmed
    assert client.get(ENROL).context["qr_code"] == page.context["qr_code"]  # same secret

    wrong = client.post(ENROL, {"token": "000000" if code_of(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert client.get(reverse("home")).status_code == 302
    # django-otp backs off after a failure: even the right code waits a moment.
    assert client.post(ENROL, {"token": code_of(device)}).status_code == 200
    clock.shift(timedelta(minutes=1))

    done = client.post(ENROL, {"token": code_of(device)})
    assert done["Location"] == CODES
    shown = client.get(CODES)
    codes = shown.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(CODES).context["codes"] is None  # shown once
    assert client.get(reverse("home")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert (
        AuditEvent.objects.for_object(admin)
        .filter(action=AuditEvent.Action.UPDATE, changes={"second_factor": [False, True]})
        .exists()
    )


def test_the_code_from_the_app_signs_in_and_cannot_be_replayed(provincial_officer, clock):
    device = enrolled(provincial_officer)
    client = password_only(provincial_officer)
    code = code_of(device)

    response = client.post(VERIFY, {"token": code, "next": reverse("cases:list")})

    assert response["Location"] == reverse("cases:list")
    assert client.get(reverse("home")).status_code == 200
    # The same code on another device at once: refused.
    thief = password_only(provincial_officer)
    assert thief.post(VERIFY, {"token": code}).status_code == 200
    assert thief.get(reverse("home")).status_code == 302


def test_a_wrong_code_is_refused_and_audited(provincial_officer, clock):
    device = enrolled(provincial_officer)
    client = password_only(provincial_officer)
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"

    response = client.post(VERIFY, {"token": wrong})

    assert response.status_code == 200
    assert "Kode salah" in response.text
    assert client.get(reverse("home")).status_code == 302
    assert (
        AuditEvent.objects.for_object(provincial_officer)
        .filter(action=AuditEvent.Action.SIGN_IN_FAILED, actor=None)
        .exists()
    )


def test_a_recovery_code_signs_in_once(admin, clock):
    enrolled(admin)
    codes = second_factor._new_recovery_codes(admin)

    first = password_only(admin)
    assert first.post(VERIFY, {"token": codes[0].upper()})["Location"] == reverse("worklists:mine")
    clock.shift(timedelta(minutes=1))  # past django-otp's back-off after a failure
    again = password_only(admin)
    assert again.post(VERIFY, {"token": codes[0]}).status_code == 200
    assert again.get(reverse("home")).status_code == 302


def test_a_device_is_never_added_on_the_password_alone(admin):
    enrolled(admin)
    client = password_only(admin)
    assert client.get(ENROL)["Location"] == VERIFY
    assert client.post(ENROL, {"token": "123456"})["Location"] == VERIFY
    assert TOTPDevice.objects.filter(user=admin).count() == 1


def test_new_recovery_codes_replace_the_old_ones(admin, login):
    enrolled(admin)
    old = second_factor._new_recovery_codes(admin)
    client = login(admin)

    assert client.post(CODES)["Location"] == CODES
    new = client.get(CODES).context["codes"]

    assert len(new) == 10 and not set(new) & set(old)
    tokens = StaticDevice.objects.get(user=admin).token_set.values_list("token", flat=True)
    assert set(tokens) == set(new)


def test_an_admin_resets_a_lost_second_factor_and_the_trail_keeps_why(
    admin, provincial_officer, login
):
    enrolled(provincial_officer)
    second_factor._new_recovery_codes(provincial_officer)
    client = login(admin)
    url = reverse("accounts:user-second-factor-reset", args=[provincial_officer.pk])
    assert (
        "Atur ulang faktor kedua"
        in client.get(reverse("accounts:user-detail", args=[provincial_officer.pk])).text
    )

    response = client.post(url, {"reason": "Ponsel hilang"})

    assert response["Location"] == reverse("accounts:user-detail", args=[provincial_officer.pk])
    assert not TOTPDevice.objects.filter(user=provincial_officer).exists()
    assert not StaticDevice.objects.filter(user=provincial_officer).exists()
    event = AuditEvent.objects.for_object(provincial_officer).get(
        action=AuditEvent.Action.UPDATE, changes={"second_factor": [True, False]}
    )
    assert (event.actor, event.reason) == (admin, "Ponsel hilang")
    # The next sign-in enrols again.
    assert password_only(provincial_officer).get(VERIFY)["Location"] == ENROL


@pytest.mark.parametrize("persona", ["provincial_officer", "samarinda_staff", "samarinda_viewer"])
def test_only_an_admin_may_reset_a_second_factor(persona, request, admin, login):
    enrolled(admin)
    client = login(request.getfixturevalue(persona))
    response = client.post(reverse("accounts:user-second-factor-reset", args=[admin.pk]))
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=admin).exists()


def test_a_verified_session_costs_no_query_more(admin, login, django_assert_num_queries):
    from tests.helpers import SESSION_AND_USER

    client = login(admin)
    client.get(reverse("profile"))  # the session is saved once after sign-in
    with django_assert_num_queries(SESSION_AND_USER + 1):  # + the profile's device check
        assert client.get(reverse("profile")).status_code == 200


def test_the_demo_admin_and_officer_sign_in_with_the_printed_code(kaltim, clock):
    from io import StringIO

    from django.core.management import call_command

    from accounts.demo import DEMO_PASSWORD, ensure_demo_users

    ensure_demo_users()
    out = StringIO()
    call_command("demo_second_factor", stdout=out)
    assert "DEMOKALTIMDEMOKALTIMDEMOKALTIMDE" in out.getvalue()  # as README says
    code = out.getvalue().rsplit("Code now: ", 1)[1].strip()

    for username in ("admin", "provinsi"):
        client = Client()
        client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert client.get(reverse("home"))["Location"].startswith(VERIFY)
        assert client.post(VERIFY, {"token": code})["Location"] == reverse("worklists:mine")
        assert client.get(reverse("home")).status_code == 200
    assert not TOTPDevice.objects.filter(user__username="samarinda").exists()


@pytest.mark.parametrize("next_value", ["0000", "home", "https://evil.example/", "//evil.example"])
def test_after_the_code_only_a_path_on_this_site_is_followed(admin, next_value):
    from tests.helpers import client_for

    client = client_for(admin)  # signed in with the second factor verified
    response = client.get(reverse("second_factor:verify"), {"next": next_value})
    assert response.status_code == 302
    # Where every sign-in lands ("Tugas saya", #14).
    assert response["Location"] == reverse("worklists:mine")
    assert client.get(reverse("second_factor:verify"), {"next": "/kasus/"})["Location"] == "/kasus/"
