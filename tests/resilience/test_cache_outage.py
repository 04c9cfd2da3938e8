"""The cache is an optimisation only: with it failing, pages answer from the database, the
failure is logged once per outage, and nobody is signed out (sessions are in the database)."""

import logging

import pytest
from django.conf import settings
from django.urls import reverse

from pmks_portal import cache, choices_cache
from pmks_portal.outages import Outage

# Nothing listens on port 1: every call is refused at once, as when Redis is stopped.
REFUSED_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture(autouse=True)
def fresh_outage():
    cache.outage.reset()
    yield
    cache.outage.reset()


@pytest.fixture
def cache_down(settings):
    settings.CACHES = REFUSED_REDIS
    yield
    cache.outage.reset()


def test_the_sessions_do_not_live_in_the_cache():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_the_case_list_answers_from_the_database_while_the_cache_is_down(
    login, samarinda_staff, cache_down, caplog
):
    client = login(samarinda_staff)
    with caplog.at_level(logging.WARNING, logger="pmks.outages"):
        pages = [client.get(reverse("cases:list")) for _ in range(5)]
        kube = client.get(reverse("kube:list"))
    assert [page.status_code for page in pages] == [200] * 5
    assert kube.status_code == 200
    assert "Kota Samarinda" in pages[-1].content.decode()  # the filter lists, from the database
    outage_lines = [r for r in caplog.records if r.name == "pmks.outages"]
    assert len(outage_lines) == 1, [r.getMessage() for r in outage_lines]
    assert "cache unavailable (ConnectionError" in outage_lines[0].getMessage()
    # Still signed in: the session is in the database.
    assert client.get(reverse("cases:list")).wsgi_request.user == samarinda_staff


def test_every_operation_falls_back_when_the_cache_raises(cache_down):
    computed = []
    assert cache.get("k", "default") == "default"
    cache.set("k", 1, 10)
    cache.delete("k")
    cache.incr("k")
    assert cache.get_or_set("k", lambda: computed.append(1) or "fresh", 10) == "fresh"
    assert computed == [1]
    assert choices_cache.cached_choices("test", lambda: [("a", "A")]) == [("a", "A")]


def test_the_cache_is_skipped_for_a_while_after_a_failure_then_asked_again(monkeypatch):
    clock = {"now": 100.0}
    monkeypatch.setattr("pmks_portal.outages.time.monotonic", lambda: clock["now"])
    outage = Outage("test", retry_after=5)
    assert outage.available()
    outage.failed(ConnectionError("refused"))
    assert not outage.available() and outage.is_down
    clock["now"] += 5
    assert outage.available()  # one call tries again
    outage.succeeded()
    assert not outage.is_down


def test_an_outage_is_logged_once_and_its_end_once(monkeypatch, caplog):
    clock = {"now": 0.0}
    monkeypatch.setattr("pmks_portal.outages.time.monotonic", lambda: clock["now"])
    outage = Outage("broker", retry_after=1)
    with caplog.at_level(logging.WARNING, logger="pmks.outages"):
        for _ in range(10):
            outage.failed(ConnectionError("refused"))
            clock["now"] += 2
        outage.succeeded()
        outage.succeeded()
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert messages[0].startswith("broker unavailable (ConnectionError: refused)")
    assert messages[1] == "broker available again after 20 s"


def test_with_the_cache_up_values_are_kept():
    assert cache.get_or_set("resilience:k", lambda: "first", 10) == "first"
    assert cache.get_or_set("resilience:k", lambda: "second", 10) == "first"
    cache.delete("resilience:k")
    assert cache.get("resilience:k") is None
