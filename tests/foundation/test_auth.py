"""Authentication: the real sign-in form, lockout, sessions, passwords and security headers."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from pmks_portal.middleware import LOGIN_TIME_KEY
from tests.helpers import PERSONA_PASSWORD, csp_directives

pytestmark = pytest.mark.django_db

OFFICE_IP = "10.64.72.15"
OTHER_IP = "10.64.71.20"
PASSPHRASE_64 = "pesut mahakam berenang di tepian sungai pada pagi hari nan cerah"
# A new password that both policies accept (the BSSN one asks for all four kinds of character).
NEW_PASSWORD = "Pesut mahakam berenang di tepian, 2027!"


@pytest.fixture
def nist_policy(settings):
    """Django's validators alone, as PMKS_PASSWORD_POLICY=nist configures them."""
    settings.AUTH_PASSWORD_VALIDATORS = [
        entry
        for entry in settings.AUTH_PASSWORD_VALIDATORS
        if not entry["NAME"].startswith("accounts.passwords.")
    ]


def sign_in_with_form(client: Client, username: str, password: str, ip: str = OFFICE_IP):
    """Opens the sign-in page and posts the form, as a browser does."""
    assert client.get(reverse("login")).status_code == 200
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def session_cookie(client: Client) -> str | None:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie and cookie.value else None


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("home")).status_code == 200


def assert_sent_to_sign_in(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Signing in and out -----------------------------------------------------------------------


def test_the_sign_in_form_signs_a_user_in_and_rotates_the_session_key(samarinda_staff):
    client = Client()
    before = client.session
    before["probe"] = "set before signing in"
    before.save()
    key_before = before.session_key

    response = sign_in_with_form(client, samarinda_staff.username, PERSONA_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("worklists:mine")  # "Tugas saya" (#14)
    assert session_cookie(client) not in (None, key_before)
    assert not Session.objects.filter(session_key=key_before).exists()
    assert is_signed_in(client)


def test_a_wrong_password_does_not_sign_in(samarinda_staff):
    client = Client()
    response = sign_in_with_form(client, samarinda_staff.username, "not-the-password-at-all")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not is_signed_in(client)


def test_signing_in_and_a_failed_sign_in_are_in_the_audit_trail(samarinda_staff):
    sign_in_with_form(Client(), samarinda_staff.username, "not-the-password-at-all")
    sign_in_with_form(Client(), samarinda_staff.username, PERSONA_PASSWORD)

    events = AuditEvent.objects.for_object(samarinda_staff).order_by("id")
    actions = [(e.action, e.actor_id) for e in events if e.action != AuditEvent.Action.CREATE]
    assert actions == [
        (AuditEvent.Action.SIGN_IN_FAILED, None),
        (AuditEvent.Action.SIGN_IN, samarinda_staff.pk),
    ]


def test_signing_out_is_in_the_audit_trail(samarinda_staff):
    client = Client()
    sign_in_with_form(client, samarinda_staff.username, PERSONA_PASSWORD)
    client.post(reverse("logout"))
    assert (
        AuditEvent.objects.for_object(samarinda_staff)
        .filter(action=AuditEvent.Action.SIGN_OUT, actor=samarinda_staff)
        .exists()
    )


def test_signing_out_ends_the_session_on_the_server(samarinda_staff):
    client = Client()
    sign_in_with_form(client, samarinda_staff.username, PERSONA_PASSWORD)
    old_cookie = session_cookie(client)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=old_cookie).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    assert_sent_to_sign_in(replay.get(reverse("home")))


def test_signing_out_needs_a_post(samarinda_staff, login):
    client = login(samarinda_staff)
    assert client.get(reverse("logout")).status_code == 405
    assert is_signed_in(client)


# --- Lockout (django-axes) --------------------------------------------------------------------


def right_password_status(user, ip=OFFICE_IP) -> int:
    return sign_in_with_form(Client(), user.username, PERSONA_PASSWORD, ip).status_code


def fail_to_sign_in(client, username, times, ip=OFFICE_IP):
    for _ in range(times):
        sign_in_with_form(client, username, "wrong-password-again", ip)


def test_five_failed_sign_ins_lock_that_username_from_that_address(samarinda_staff):
    assert settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    fail_to_sign_in(client, samarinda_staff.username, 4)
    # Four failures: the right password still works.
    assert right_password_status(samarinda_staff) == 302

    fail_to_sign_in(client, samarinda_staff.username, 5)
    locked = sign_in_with_form(client, samarinda_staff.username, PERSONA_PASSWORD)

    assert locked.status_code == 429
    assert not is_signed_in(client)


def test_a_pasted_page_of_text_as_the_username_is_a_failed_sign_in_not_a_500(samarinda_staff):
    client = Client()
    response = sign_in_with_form(client, "x" * 10_000, "wrong-password")
    assert response.status_code == 200 and not is_signed_in(client)
    # Recorded under the name cut to the column's length (PostgreSQL refuses a longer one).
    assert AccessAttempt.objects.get().username == "x" * 255


def test_a_locked_username_can_still_sign_in_from_another_address(samarinda_staff):
    fail_to_sign_in(Client(), samarinda_staff.username, 5, ip=OFFICE_IP)
    locked = sign_in_with_form(Client(), samarinda_staff.username, PERSONA_PASSWORD, OFFICE_IP)
    assert locked.status_code == 429

    elsewhere = Client()
    response = sign_in_with_form(elsewhere, samarinda_staff.username, PERSONA_PASSWORD, OTHER_IP)
    assert response.status_code == 302
    assert is_signed_in(elsewhere)


def test_a_lockout_of_one_user_does_not_lock_a_colleague_on_the_same_computer(
    samarinda_staff, samarinda_viewer
):
    fail_to_sign_in(Client(), samarinda_staff.username, 5)
    response = sign_in_with_form(Client(), samarinda_viewer.username, PERSONA_PASSWORD)
    assert response.status_code == 302


def test_the_lockout_ends_after_the_cool_off_time(samarinda_staff):
    fail_to_sign_in(Client(), samarinda_staff.username, 5)
    assert right_password_status(samarinda_staff) == 429

    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )

    assert right_password_status(samarinda_staff) == 302


# --- Session lifetime -------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """Moves Django's clock (timezone.now) forward: `clock.advance(minutes=31)`."""

    class Clock:
        offset = timedelta()

        def advance(self, **delta):
            self.offset += timedelta(**delta)

    clock = Clock()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + clock.offset)
    return clock


def test_the_idle_timeout_is_thirty_minutes_by_default():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_REFRESH_SECONDS == 60


def test_the_idle_timeout_restarts_at_most_once_a_minute_not_on_every_request(
    samarinda_staff, clock
):
    client = Client()
    sign_in_with_form(client, samarinda_staff.username, PERSONA_PASSWORD)

    def expires():
        return Session.objects.get(session_key=client.session.session_key).expire_date

    client.get(reverse("home"))
    first = expires()
    clock.advance(seconds=30)
    client.get(reverse("home"))
    assert expires() == first  # no write within the minute
    clock.advance(seconds=31)
    client.get(reverse("home"))
    assert timedelta(seconds=61) <= expires() - first < timedelta(seconds=65)


def test_a_session_idle_for_longer_than_the_timeout_ends(samarinda_staff, clock):
    client = Client()
    sign_in_with_form(client, samarinda_staff.username, PERSONA_PASSWORD)

    clock.advance(seconds=settings.SESSION_COOKIE_AGE + 1)

    assert_sent_to_sign_in(client.get(reverse("home")))


def test_each_request_restarts_the_idle_timeout(samarinda_staff, clock):
    client = Client()
    sign_in_with_form(client, samarinda_staff.username, PERSONA_PASSWORD)
    for _ in range(3):  # 3 × 20 minutes of work: longer than the timeout, never idle that long
        clock.advance(minutes=20)
        assert is_signed_in(client)


def set_signed_in_at(client: Client, seconds_ago: float) -> None:
    session = client.session
    session[LOGIN_TIME_KEY] = time.time() - seconds_ago
    session.save()


def test_a_session_ends_after_its_absolute_lifetime_however_active(samarinda_staff):
    client = Client()
    sign_in_with_form(client, samarinda_staff.username, PERSONA_PASSWORD)
    set_signed_in_at(client, settings.SESSION_ABSOLUTE_LIFETIME + 1)
    old_cookie = session_cookie(client)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not Session.objects.filter(session_key=old_cookie).exists()
    sign_in_page = client.get(response["Location"])
    assert len(list(sign_in_page.context["messages"])) == 1  # says why
    assert_sent_to_sign_in(client.get(reverse("home")))


def test_a_session_within_its_absolute_lifetime_continues(samarinda_staff):
    client = Client()
    sign_in_with_form(client, samarinda_staff.username, PERSONA_PASSWORD)
    set_signed_in_at(client, settings.SESSION_ABSOLUTE_LIFETIME - 60)
    assert is_signed_in(client)


def test_the_absolute_lifetime_is_twelve_hours_by_default():
    assert settings.SESSION_ABSOLUTE_LIFETIME == 12 * 3600


# --- Passwords --------------------------------------------------------------------------------


def test_under_the_nist_policy_a_64_character_passphrase_needs_no_composition(
    samarinda_staff, nist_policy
):
    assert len(PASSPHRASE_64) == 64
    validate_password(PASSPHRASE_64, samarinda_staff)  # lower case and spaces only


def test_under_the_default_bssn_policy_the_same_passphrase_needs_composition(samarinda_staff):
    assert settings.PMKS_PASSWORD_POLICY == "bssn"
    with pytest.raises(ValidationError):
        validate_password(PASSPHRASE_64, samarinda_staff)
    validate_password(NEW_PASSWORD, samarinda_staff)


@pytest.mark.parametrize("weak", ["password123", "kaltim", "12345678901234", "sari_samarinda"])
def test_common_short_numeric_or_user_like_passwords_are_rejected(weak, samarinda_staff):
    with pytest.raises(ValidationError):
        validate_password(weak, samarinda_staff)


def test_changing_the_password_needs_the_current_one(samarinda_staff, login):
    client = login(samarinda_staff)
    url = reverse("password_change")
    new = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}

    without_old = client.post(url, new)
    with_wrong_old = client.post(url, {**new, "old_password": "not-my-password"})

    for response in (without_old, with_wrong_old):
        assert response.status_code == 200
        assert "old_password" in response.context["form"].errors
    samarinda_staff.refresh_from_db()
    assert samarinda_staff.check_password(PERSONA_PASSWORD)


def test_changing_the_password_keeps_this_session_and_ends_the_others(samarinda_staff):
    here, elsewhere = Client(), Client()
    sign_in_with_form(here, samarinda_staff.username, PERSONA_PASSWORD)
    sign_in_with_form(elsewhere, samarinda_staff.username, PERSONA_PASSWORD, OTHER_IP)

    response = here.post(
        reverse("password_change"),
        {
            "old_password": PERSONA_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response["Location"] == reverse("password_change_done")
    samarinda_staff.refresh_from_db()
    assert samarinda_staff.check_password(NEW_PASSWORD)
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)


def test_a_password_reset_request_does_not_reveal_whether_an_address_is_known(samarinda_staff):
    known = Client().post(reverse("password_reset"), {"email": samarinda_staff.email})
    unknown = Client().post(reverse("password_reset"), {"email": "nobody@example.invalid"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")


# --- Headers ----------------------------------------------------------------------------------


def test_pages_for_signed_in_users_may_not_be_stored_by_browsers_or_proxies(samarinda_staff, login):
    client = login(samarinda_staff)
    for url in (reverse("home"), reverse("regions:list"), "/no-such-page/"):
        cache_control = client.get(url).headers.get("Cache-Control", "")
        assert "no-store" in cache_control, url
        assert "private" in cache_control or "max-age=0" in cache_control, url


def test_every_response_carries_a_content_security_policy_without_inline_scripts(
    samarinda_staff, admin, login
):
    anonymous = Client()
    responses = {
        "sign-in page": anonymous.get(reverse("login")),
        "redirect to sign in": anonymous.get(reverse("home")),
        "failed sign-in": anonymous.post(reverse("login"), {"username": "x", "password": "y"}),
        "health check": anonymous.get(reverse("healthz")),
        "page not found": anonymous.get("/no-such-page/"),
    }
    client = login(samarinda_staff)
    responses |= {
        "home": client.get(reverse("home")),
        "forbidden": client.get(reverse("accounts:user-list")),
        "hidden": client.get(reverse("regions:detail", args=["64.71"])),
        "sign out": client.post(reverse("logout")),
    }
    responses["admin's user list"] = login(admin).get(reverse("accounts:user-list"))

    for what, response in responses.items():
        header = response.headers.get("Content-Security-Policy")
        assert header, f"{what}: no Content-Security-Policy"
        policy = csp_directives(header)
        script_src = policy.get("script-src", policy.get("default-src"))
        assert script_src == ["'self'"], f"{what}: script-src {script_src}"
        assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header, what
        assert policy["object-src"] == ["'none'"], what
        assert policy["frame-ancestors"] == ["'none'"], what


def test_pages_cannot_be_framed_by_another_site(client, kaltim):
    response = client.get(reverse("login"))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
