"""/healthz: the state of the database, cache, broker and workers: "degraded" (200) when the
cache, broker or workers fail, "down" (503) when the database does."""

import json

import kombu
import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from django.urls import reverse

from pmks_portal import health

pytestmark = pytest.mark.django_db

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def unreachable_broker(settings, monkeypatch):
    """A broker is configured (not eager) but nothing listens where it points.

    The health check gets an app of its own for that broker: the project's app, and its
    connection pool, stay as they are for the tests that follow (the real worker's)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Not set as current: shared tasks must keep publishing through the project's app.
    unreachable = Celery("unreachable", broker=UNREACHABLE_BROKER, set_as_current=False)
    unreachable.conf.broker_connection_timeout = 1
    monkeypatch.setattr(health, "celery_app", unreachable)
    yield
    unreachable.close()


def test_healthz_reports_every_component_in_eager_mode(client, eager):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "cache": "ok",
            "broker": "eager",
            "celery_workers": "eager",
        },
    }


def test_healthz_needs_no_sign_in_and_is_never_cached(client, eager):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_healthz_shows_no_secret_and_no_address(client, eager):
    body = client.get(reverse("healthz")).content.decode()

    assert settings.SECRET_KEY not in body
    assert str(connection.settings_dict["NAME"]) not in body
    for text in ("sqlite", "postgres", "redis://", "SECRET", "DATABASE_URL", "127.0.0.1"):
        assert text not in body
    # Nothing but states: every value is one of three words.
    checks = json.loads(body)["checks"]
    assert set(checks.values()) <= {health.OK, health.EAGER, health.FAILING}


def test_healthz_is_503_when_the_database_does_not_answer(client, eager, monkeypatch):
    monkeypatch.setattr(health, "check_database", lambda: health.FAILING)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["checks"]["database"] == "failing"


def test_the_database_check_fails_when_the_query_raises(monkeypatch):
    class BrokenCursor:
        def __enter__(self):
            raise RuntimeError("connection refused")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: BrokenCursor())
    assert health.check_database() == health.FAILING


def test_healthz_is_degraded_when_the_cache_does_not_answer(client, eager, monkeypatch):
    monkeypatch.setattr(health.cache, "get", lambda *args, **kwargs: None)
    response = client.get(reverse("healthz"))
    # Pages are still served from the database: the balancer keeps this instance.
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"] == "failing"


def test_healthz_is_degraded_quickly_when_the_broker_is_unreachable(
    client, unreachable_broker, monkeypatch
):
    attempts = []
    connect = kombu.Connection.ensure_connection

    def recorded(self, *args, **kwargs):
        attempts.append(kwargs)
        return connect(self, *args, **kwargs)

    monkeypatch.setattr(kombu.Connection, "ensure_connection", recorded)
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {
            "database": "ok",
            "cache": "ok",
            "broker": "failing",
            "celery_workers": "failing",
        },
    }
    assert UNREACHABLE_BROKER not in response.content.decode()
    # A load balancer's probe waits a second or two: a failing broker must not make it time out,
    # so the check tries once with a short timeout (asserted on the call, not on the clock).
    assert [(a.get("max_retries"), a.get("timeout")) for a in attempts] == [(1, 2)]


def test_healthz_is_degraded_when_the_broker_answers_but_no_worker_does(
    client, settings, monkeypatch
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(health, "check_broker", lambda: health.OK)
    monkeypatch.setattr(health, "check_workers", lambda: health.FAILING)

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["celery_workers"] == "failing"
