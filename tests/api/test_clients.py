"""API clients: the token, its expiry and revocation, sessions with CSRF, the admin pages."""

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from api.clients import api_client_revoke
from api.models import ApiClient
from tests.api.conftest import NOW, ApiCaller, issue

pytestmark = pytest.mark.django_db


def test_the_token_is_stored_as_its_digest_only(admin, samarinda):
    issued = issue(admin, regency=samarinda)
    client = ApiClient.objects.get(pk=issued.client.pk)
    assert issued.token not in {client.token_prefix, client.token_digest}
    assert client.token_digest == hashlib.sha256(issued.token.encode()).hexdigest()
    assert client.account.role == "regency_viewer"
    assert client.account.regency_id == "64.72"
    assert not client.account.has_usable_password()


def test_a_writing_client_acts_as_regency_staff_and_a_province_client_as_the_province(
    admin, samarinda
):
    assert issue(admin, regency=samarinda, can_write=True).client.account.role == "regency_staff"
    assert issue(admin).client.account.role == "provincial_officer"


def test_no_token_a_wrong_one_and_an_expired_one_get_401(admin, samarinda, time_machine):
    assert Client().get("/api/v1/cases/").status_code == 401
    issued = issue(admin, regency=samarinda, expires_at=NOW + dt.timedelta(days=1))
    caller = ApiCaller(issued.token)
    assert caller.get("/api/v1/cases/").status_code == 200
    assert ApiCaller(issued.token[:-2] + "xx").get("/api/v1/cases/").status_code == 401
    response = ApiCaller("pmks_nothing").get("/api/v1/cases/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"

    time_machine.move_to(NOW + dt.timedelta(days=2), tick=False)
    assert caller.get("/api/v1/cases/").status_code == 401


def test_revoking_ends_access_at_once(admin, samarinda):
    issued = issue(admin, regency=samarinda)
    caller = ApiCaller(issued.token)
    assert caller.get("/api/v1/cases/").status_code == 200
    api_client_revoke(actor=admin, client=issued.client, reason="Aplikasi diganti")
    assert caller.get("/api/v1/cases/").status_code == 401


def test_a_signed_in_session_works_and_needs_the_csrf_token_to_write(
    samarinda_staff, samarinda_case
):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(samarinda_staff)
    assert browser.get("/api/v1/cases/").status_code == 200
    refused = browser.post(
        f"/api/v1/cases/{samarinda_case.pk}/transitions/",
        '{"to_status": "verified"}',
        content_type="application/json",
    )
    assert refused.status_code == 403
    samarinda_case.refresh_from_db()
    assert samarinda_case.status == "registered"

    browser.get(reverse("home"))  # a page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    moved = browser.post(
        f"/api/v1/cases/{samarinda_case.pk}/transitions/",
        '{"to_status": "verified"}',
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert moved.status_code == 200, moved.content
    samarinda_case.refresh_from_db()
    assert samarinda_case.status == "verified"


def test_an_administrator_creates_a_client_and_sees_its_token_once(login, admin, samarinda):
    browser = login(admin)
    response = browser.post(
        reverse("api_clients:create"),
        {
            "name": "SIKS-NG Samarinda",
            "regency": samarinda.code,
            "can_read": "on",
            "can_write": "on",
            "expires_on": "2027-06-30",
        },
    )
    assert response.status_code == 200
    token = response.context["token"]
    client = ApiClient.objects.get(name="SIKS-NG Samarinda")
    assert token.encode() in response.content
    assert client.capabilities == {"read", "write"}
    # The detail page, opened again, no longer has it.
    again = browser.get(reverse("api_clients:detail", args=[client.pk]))
    assert token.encode() not in again.content
    assert ApiCaller(token).get("/api/v1/cases/").status_code == 200

    browser.post(reverse("api_clients:revoke", args=[client.pk]), {"reason": "Diganti"})
    assert ApiCaller(token).get("/api/v1/cases/").status_code == 401


def test_a_province_client_may_not_write(login, admin):
    response = login(admin).post(
        reverse("api_clients:create"),
        {"name": "Provinsi", "can_read": "on", "can_write": "on", "expires_on": "2027-06-30"},
    )
    assert response.status_code == 200
    assert "can_write" in response.context["form"].errors
    assert not ApiClient.objects.exists()


@pytest.mark.parametrize("persona", ["provincial_officer", "samarinda_staff", "samarinda_viewer"])
def test_only_administrators_open_the_client_pages(login, persona, request):
    browser = login(request.getfixturevalue(persona))
    assert browser.get(reverse("api_clients:list")).status_code == 403
    assert browser.get(reverse("api_clients:create")).status_code == 403
