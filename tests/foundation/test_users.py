"""Users and roles: administrators create, edit and deactivate users; scripts use add_user."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEvent
from tests.conftest import BALIKPAPAN, SAMARINDA
from tests.helpers import project_routes

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sungai-Mahakam-mengalir-jauh-2026"
LINK = re.compile(r"https?://[^/\s]+(/akun/sandi/atur/[^/\s]+/[^/\s]+/)")


def new_user_form(**overrides) -> dict:
    data = {
        "username": "rina_bontang",
        "first_name": "Rina",
        "last_name": "Wulandari",
        "email": "rina@example.invalid",
        "phone": "0812-5555-0101",
        "role": Role.REGENCY_STAFF,
        "regency": "64.74",
    }
    return {**data, **overrides}


# --- Creating users in the portal -------------------------------------------------------------


def test_an_admin_creates_a_user_who_gets_a_link_to_set_a_password(admin, login):
    response = login(admin).post(reverse("accounts:user-create"), new_user_form())

    user = User.objects.get(username="rina_bontang")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user-detail", args=[user.pk])
    assert (user.role, user.regency_id, user.email) == (
        Role.REGENCY_STAFF,
        "64.74",
        "rina@example.invalid",
    )
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rina@example.invalid"]
    assert "rina_bontang" in message.body
    assert LINK.search(message.body), message.body
    event = AuditEvent.objects.for_object(user).get(action=AuditEvent.Action.CREATE)
    assert event.actor == admin
    assert event.changes["role"] == [None, Role.REGENCY_STAFF]


def test_the_emailed_link_lets_the_new_user_choose_a_password_once(admin, login):
    login(admin).post(reverse("accounts:user-create"), new_user_form())
    link = LINK.search(mail.outbox[0].body).group(1)
    newcomer = Client()

    form_page = newcomer.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    done = newcomer.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    user = User.objects.get(username="rina_bontang")
    assert user.check_password(NEW_PASSWORD)
    assert newcomer.post(reverse("login"), {"username": user.username, "password": NEW_PASSWORD})[
        "Location"
    ] == reverse("worklists:mine")
    # The link is spent: opening it again shows that it no longer works.
    again = Client().get(link, follow=True)
    assert again.context["validlink"] is False


def test_a_password_link_stops_working_after_a_day(samarinda_staff, monkeypatch):
    token = default_token_generator.make_token(samarinda_staff)
    later = default_token_generator._now() + timedelta(days=1, minutes=1)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    assert not default_token_generator.check_token(samarinda_staff, token)


def test_a_user_without_an_email_is_created_and_the_admin_is_told_no_link_was_sent(admin, login):
    response = login(admin).post(
        reverse("accounts:user-create"), new_user_form(email=""), follow=True
    )
    assert User.objects.filter(username="rina_bontang").exists()
    assert mail.outbox == []
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]


def test_a_regency_role_without_a_regency_is_a_form_error_and_nothing_is_saved(admin, login):
    response = login(admin).post(reverse("accounts:user-create"), new_user_form(regency=""))

    assert response.status_code == 200
    assert "regency" in response.context["form"].errors
    assert not User.objects.filter(username="rina_bontang").exists()
    assert mail.outbox == []


def test_a_regency_outside_the_province_cannot_be_chosen(admin, login, kaltim):
    from django.conf import settings

    from regions.loader import load_province

    load_province(settings.REGIONS_DATA_DIR, "63")
    response = login(admin).post(reverse("accounts:user-create"), new_user_form(regency="63.71"))
    assert "regency" in response.context["form"].errors
    assert not User.objects.filter(username="rina_bontang").exists()


def test_a_province_wide_role_drops_the_regency_it_was_given(admin):
    from regions.models import Region

    user = services.user_create(
        actor=admin,
        username="pak_provinsi",
        role=Role.PROVINCIAL_OFFICER,
        regency=Region.objects.get(code=SAMARINDA),
    )
    assert user.regency_id is None


# --- Editing and deactivating -----------------------------------------------------------------


def test_an_admin_moves_a_staff_member_to_another_regency(admin, samarinda_staff, login):
    url = reverse("accounts:user-edit", args=[samarinda_staff.pk])
    response = login(admin).post(
        url, new_user_form(username="ignored", email=samarinda_staff.email, regency=BALIKPAPAN)
    )

    assert response.status_code == 302
    samarinda_staff.refresh_from_db()
    assert samarinda_staff.regency_id == BALIKPAPAN
    assert samarinda_staff.username == "sari_samarinda"  # the sign-in name never changes
    event = AuditEvent.objects.for_object(samarinda_staff).get(action=AuditEvent.Action.UPDATE)
    # Related records are kept by name in the history, as people read it.
    assert event.changes["regency"] == ["Kota Samarinda", "Kota Balikpapan"]
    assert event.actor == admin


def test_an_admin_makes_a_staff_member_a_provincial_officer(admin, samarinda_staff, login):
    url = reverse("accounts:user-edit", args=[samarinda_staff.pk])
    login(admin).post(
        url, new_user_form(email=samarinda_staff.email, role=Role.PROVINCIAL_OFFICER, regency="")
    )
    samarinda_staff.refresh_from_db()
    assert (samarinda_staff.role, samarinda_staff.regency_id) == (Role.PROVINCIAL_OFFICER, None)


def test_editing_to_a_regency_role_without_a_regency_saves_nothing(
    admin, provincial_officer, login
):
    url = reverse("accounts:user-edit", args=[provincial_officer.pk])
    response = login(admin).post(
        url, new_user_form(email=provincial_officer.email, role=Role.REGENCY_VIEWER, regency="")
    )
    assert response.status_code == 200
    assert "regency" in response.context["form"].errors
    provincial_officer.refresh_from_db()
    assert provincial_officer.role == Role.PROVINCIAL_OFFICER
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


def test_a_deactivated_user_is_signed_out_of_the_session_they_had(
    admin, samarinda_staff, client_as
):
    staff_client = client_as(samarinda_staff)
    assert staff_client.get(reverse("home")).status_code == 200

    response = client_as(admin).post(
        reverse("accounts:user-set-active", args=[samarinda_staff.pk]),
        {"active": "0", "reason": "Pindah tugas"},
    )

    assert response.status_code == 302
    samarinda_staff.refresh_from_db()
    assert samarinda_staff.is_active is False
    after = staff_client.get(reverse("home"))
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("login"))
    event = AuditEvent.objects.for_object(samarinda_staff).get(action=AuditEvent.Action.DEACTIVATE)
    assert event.reason == "Pindah tugas"


def test_a_deactivated_user_cannot_sign_in(samarinda_staff):
    from tests.helpers import PERSONA_PASSWORD

    services.user_set_active(actor=None, user=samarinda_staff, active=False)
    response = Client().post(
        reverse("login"), {"username": samarinda_staff.username, "password": PERSONA_PASSWORD}
    )
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_an_admin_cannot_deactivate_their_own_account(admin, login):
    login(admin).post(reverse("accounts:user-set-active", args=[admin.pk]), {"active": "0"})
    admin.refresh_from_db()
    assert admin.is_active is True


def test_there_is_no_url_to_delete_a_user():
    user_routes = [r for r in project_routes() if r.name and r.name.startswith("accounts:")]
    assert user_routes
    assert not [r.name for r in user_routes if "delete" in r.name or "hapus" in r.route]


def test_a_user_who_authored_history_cannot_be_deleted_from_the_database(admin, samarinda_staff):
    services.user_update(actor=admin, user=samarinda_staff, first_name="Sari")
    with pytest.raises(ProtectedError):
        admin.delete()


@pytest.mark.parametrize(
    "persona", ["provincial_officer", "samarinda_staff", "samarinda_viewer", "no_role_user"]
)
def test_only_admins_reach_the_user_pages(persona, request, balikpapan_staff, client_as):
    client = client_as(request.getfixturevalue(persona))
    pk = balikpapan_staff.pk
    for url in [
        reverse("accounts:user-list"),
        reverse("accounts:user-create"),
        reverse("accounts:user-detail", args=[pk]),
        reverse("accounts:user-edit", args=[pk]),
    ]:
        assert client.get(url).status_code == 403, url
    assert (
        client.post(reverse("accounts:user-set-active", args=[pk]), {"active": "0"}).status_code
        == 403
    )
    balikpapan_staff.refresh_from_db()
    assert balikpapan_staff.is_active


def test_the_user_list_filters_by_role(admin, samarinda_staff, samarinda_viewer, login):
    response = login(admin).get(reverse("accounts:user-list"), {"role": Role.REGENCY_VIEWER})
    assert [u.username for u in response.context["users"]] == [samarinda_viewer.username]


# --- add_user ---------------------------------------------------------------------------------


def add_user(*args) -> str:
    out = StringIO()
    call_command("add_user", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def password_env(monkeypatch):
    monkeypatch.setenv("PMKS_PASSWORD", NEW_PASSWORD)


def test_add_user_creates_a_regency_user_with_the_password_from_the_environment(
    password_env, kaltim
):
    output = add_user(
        "dewi_bontang", "--role", "regency_viewer", "--regency", "64.74", "--email", "d@x.invalid"
    )
    user = User.objects.get(username="dewi_bontang")
    assert (user.role, user.regency_id, user.email) == (Role.REGENCY_VIEWER, "64.74", "d@x.invalid")
    assert user.check_password(NEW_PASSWORD)
    assert "Created dewi_bontang" in output
    assert AuditEvent.objects.for_object(user).filter(action=AuditEvent.Action.CREATE).exists()


def test_add_user_creates_a_provincial_user_without_a_regency(password_env, kaltim):
    add_user("budi_provinsi", "--role", "provincial_officer")
    assert User.objects.get(username="budi_provinsi").regency is None


def one_line_error(*args) -> str:
    with pytest.raises(CommandError) as caught:
        add_user(*args)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_add_user_refuses_an_unknown_role_in_one_line(password_env, kaltim):
    message = one_line_error("x_user", "--role", "superhero")
    assert "superhero" in message and "regency_staff" in message
    assert not User.objects.filter(username="x_user").exists()


def test_add_user_refuses_an_unknown_regency_code(password_env, kaltim):
    assert "64.99" in one_line_error("x_user", "--role", "regency_staff", "--regency", "64.99")
    assert not User.objects.filter(username="x_user").exists()


def test_add_user_refuses_a_district_code_as_a_regency(password_env, kaltim):
    one_line_error("x_user", "--role", "regency_staff", "--regency", "64.72.01")
    assert not User.objects.filter(username="x_user").exists()


def test_add_user_refuses_a_regency_role_without_a_regency(password_env, kaltim):
    assert "--regency" in one_line_error("x_user", "--role", "regency_staff")
    assert not User.objects.filter(username="x_user").exists()


def test_add_user_refuses_a_regency_for_a_province_wide_role(password_env, kaltim):
    one_line_error("x_user", "--role", "admin", "--regency", SAMARINDA)
    assert not User.objects.filter(username="x_user").exists()


def test_add_user_refuses_a_username_that_exists(password_env, samarinda_staff):
    assert samarinda_staff.username in one_line_error(samarinda_staff.username, "--role", "admin")
    assert User.objects.filter(username=samarinda_staff.username).count() == 1


def test_add_user_refuses_a_weak_password(monkeypatch, kaltim):
    monkeypatch.setenv("PMKS_PASSWORD", "password123")
    one_line_error("x_user", "--role", "admin")
    assert not User.objects.filter(username="x_user").exists()


def test_add_user_without_a_password_and_without_a_terminal_says_what_to_set(monkeypatch, kaltim):
    monkeypatch.delenv("PMKS_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert "PMKS_PASSWORD" in one_line_error("x_user", "--role", "admin")
    assert not User.objects.filter(username="x_user").exists()
