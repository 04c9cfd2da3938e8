"""The lockout behind the TLS proxy: the client address from trusted proxies only, the lockout by
user and address, and a slowdown (never a lock) for failures spread over many addresses."""

import time

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts import slowdown
from accounts.client_address import client_address
from tests.helpers import PERSONA_PASSWORD

PROXY = "10.10.0.5"  # the portal's nginx
OTHER_PROXY = "10.10.0.6"
OFFICE = "203.0.113.10"  # a Samarinda office, as the proxy saw it
HOME = "198.51.100.77"  # the same user at home
STRANGER = "192.0.2.99"  # somebody connecting to gunicorn directly


@pytest.fixture
def behind_proxy(settings):
    settings.PMKS_TRUSTED_PROXIES = ["10.10.0.0/29"]
    settings.PMKS_PROXY_COUNT = 1
    return settings


def request_from(peer, forwarded=None):
    headers = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.PMKS_TRUSTED_PROXIES = []
    assert client_address(request_from(PROXY, OFFICE)) == PROXY


def test_a_trusted_proxy_gives_the_address_it_saw(behind_proxy):
    assert client_address(request_from(PROXY, OFFICE)) == OFFICE
    assert client_address(request_from(OTHER_PROXY, f"{OFFICE}:51234")) == OFFICE


def test_a_client_cannot_choose_its_address_through_the_proxy(behind_proxy):
    # nginx appends its peer to what the client sent: only the last entry is the proxy's word.
    assert client_address(request_from(PROXY, f"{HOME}, {OFFICE}")) == OFFICE


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(behind_proxy):
    assert client_address(request_from(STRANGER, OFFICE)) == STRANGER


def test_without_the_header_a_trusted_proxy_is_the_address(behind_proxy):
    assert client_address(request_from(PROXY)) == PROXY
    assert client_address(request_from(PROXY, "not-an-address")) == PROXY


def test_two_proxies_in_a_row_give_the_address_the_outer_one_saw(behind_proxy):
    behind_proxy.PMKS_PROXY_COUNT = 2
    # client -> load balancer (appends nothing it did not see) -> nginx -> portal
    assert client_address(request_from(PROXY, f"{HOME}, {OFFICE}, 10.20.0.1")) == OFFICE


def sign_in(username, password, peer, forwarded=None):
    client = Client()
    headers = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    response = client.post(
        reverse("login"), {"username": username, "password": password}, **headers
    )
    return response


@pytest.mark.django_db
def test_five_failures_through_the_proxy_do_not_lock_the_user_out_of_another_client(
    behind_proxy, samarinda_staff
):
    for _ in range(5):
        sign_in(samarinda_staff.username, "salah-sandi-Lagi-1!", PROXY, OFFICE)
    assert sign_in(samarinda_staff.username, PERSONA_PASSWORD, PROXY, OFFICE).status_code == 429

    from_home = sign_in(samarinda_staff.username, PERSONA_PASSWORD, PROXY, HOME)

    assert from_home.status_code == 302
    assert from_home["Location"] == reverse("worklists:mine")
    attempt = AccessAttempt.objects.get(username=samarinda_staff.username)
    assert attempt.ip_address == OFFICE


@pytest.mark.django_db
def test_a_forged_header_does_not_escape_the_lockout_nor_pin_it_on_another(
    behind_proxy, samarinda_staff
):
    # Direct to the application server, each try claiming another address: all counted on one.
    for n in range(5):
        sign_in(samarinda_staff.username, "salah-sandi-Lagi-1!", STRANGER, f"192.0.2.{n}")
    assert sign_in(samarinda_staff.username, PERSONA_PASSWORD, STRANGER, HOME).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {STRANGER}
    # The address the forger named is not locked.
    named = sign_in(samarinda_staff.username, PERSONA_PASSWORD, PROXY, "192.0.2.1")
    assert named.status_code == 302


@pytest.fixture
def slowdown_after_three(settings, samarinda_staff):
    settings.PMKS_SIGNIN_SLOWDOWN_AFTER = 3
    settings.PMKS_SIGNIN_SLOWDOWN_MAX_SECONDS = 8
    # The counts live in the cache, which outlives a test: start and leave it empty.
    keys = slowdown._keys(samarinda_staff.username, time.time())
    cache.delete_many(keys)
    yield settings
    cache.delete_many(keys)


@pytest.fixture
def waits(monkeypatch):
    seconds = []
    monkeypatch.setattr(slowdown, "wait", seconds.append)
    return seconds


@pytest.mark.django_db
def test_failures_from_many_addresses_slow_the_user_down_but_never_lock(
    behind_proxy, slowdown_after_three, waits, samarinda_staff
):
    for n in range(8):  # eight guessers, one try each: no pair reaches the lockout
        response = sign_in(samarinda_staff.username, "salah-sandi-Lagi-1!", PROXY, f"192.0.2.{n}")
        assert response.status_code == 200
    # After three failures, the 5th to 8th tries waited 1, 2, 4 and 8 s before the check.
    assert waits == [1.0, 2.0, 4.0, 8.0]

    real_user = sign_in(samarinda_staff.username, PERSONA_PASSWORD, PROXY, OFFICE)

    # The real user waited the capped 8 s too, and got in.
    assert waits == [1.0, 2.0, 4.0, 8.0, 8.0]
    assert real_user.status_code == 302


@pytest.mark.django_db
def test_the_slowdown_counts_a_name_however_it_is_typed(
    slowdown_after_three, waits, samarinda_staff
):
    for name in ("sari_samarinda", "SARI_SAMARINDA ", "Sari_Samarinda", " sari_samarinda"):
        sign_in(name, "salah-sandi-Lagi-1!", STRANGER)
    assert waits == []  # three failures: no wait yet
    sign_in("sari_samarinda", "salah-sandi-Lagi-1!", STRANGER)
    assert waits == [1.0]


def test_the_delay_doubles_and_is_capped(settings):
    settings.PMKS_SIGNIN_SLOWDOWN_AFTER = 10
    settings.PMKS_SIGNIN_SLOWDOWN_MAX_SECONDS = 8
    assert [slowdown.delay_for(n) for n in (0, 10, 11, 12, 13, 14, 15, 40)] == [
        0,
        0,
        1,
        2,
        4,
        8,
        8,
        8,
    ]
