"""API clients for tests: Samarinda's field app (read + write), a read-only Samarinda client,
a province-wide aggregates client; Samarinda's and Balikpapan's cases registered by staff."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from api.clients import api_client_create
from cases.categories_data import load_default_categories
from cases.models import Category, CategoryAlias

# The registry's two street children, one per city, as the case tests register them.
from tests.cases.conftest import balikpapan_case, samarinda_case  # noqa: F401 - fixtures

# A fixed WITA clock: the cases below were found on 2026-10-01.
NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def categories(db):
    load_default_categories(Category, CategoryAlias)


@pytest.fixture(autouse=True)
def fresh_limits():
    """Rate-limit counters of an earlier test must not count against this one."""
    cache.clear()


class ApiCaller:
    """A test client that sends one client's bearer token and JSON bodies."""

    def __init__(self, token: str):
        self.token = token
        self.http = Client()

    def _headers(self):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}

    def get(self, url, data=None):
        return self.http.get(url, data, **self._headers())

    def post(self, url, body=None, raw: str | None = None):
        import json

        content = raw if raw is not None else json.dumps(body or {})
        return self.http.post(url, content, content_type="application/json", **self._headers())


def issue(admin, **values):
    defaults = {
        "name": "Aplikasi lapangan",
        "regency": None,
        "can_read": True,
        "can_write": False,
        "can_aggregate": False,
        "expires_at": timezone.now() + dt.timedelta(days=30),
    }
    return api_client_create(actor=admin, **(defaults | values))


@pytest.fixture
def samarinda_app(admin, samarinda):
    return ApiCaller(
        issue(admin, name="Samarinda field app", regency=samarinda, can_write=True).token
    )


@pytest.fixture
def samarinda_reader(admin, samarinda):
    return ApiCaller(issue(admin, name="Samarinda dashboard", regency=samarinda).token)


@pytest.fixture
def province_aggregates(admin):
    return ApiCaller(issue(admin, name="Satu Data", can_read=False, can_aggregate=True).token)
