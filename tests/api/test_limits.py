"""Rate limits per client: requests a minute and records a day, 429 with Retry-After."""

import datetime as dt
import logging

import pytest

from api.limits import _seconds_to_midnight
from tests.api.conftest import NOW

pytestmark = pytest.mark.django_db


def test_the_requests_of_a_minute_are_limited(samarinda_reader, samarinda_app, settings):
    settings.PMKS_API_REQUESTS_PER_MINUTE = 3
    for _ in range(3):
        assert samarinda_reader.get("/api/v1/categories/").status_code == 200
    refused = samarinda_reader.get("/api/v1/categories/")
    assert refused.status_code == 429
    assert refused.json()["errors"] == {"__all__": ["requests_per_minute"]}
    # The clock stands at 10:00:00 WITA: the window resets in a minute.
    assert refused["Retry-After"] == "60"
    # Another client has its own allowance.
    assert samarinda_app.get("/api/v1/categories/").status_code == 200


def test_the_records_of_a_day_are_limited_until_midnight_wita(
    samarinda_reader, samarinda_case, settings
):
    settings.PMKS_API_RECORDS_PER_DAY = 2
    assert samarinda_reader.get(f"/api/v1/cases/{samarinda_case.pk}/").status_code == 200
    assert samarinda_reader.get(f"/api/v1/persons/{samarinda_case.person_id}/").status_code == 200
    refused = samarinda_reader.get(f"/api/v1/cases/{samarinda_case.pk}/")
    assert refused.status_code == 429
    assert refused.json()["errors"] == {"__all__": ["records_per_day"]}
    assert refused["Retry-After"] == str(14 * 3600)  # 10:00 WITA to midnight


def test_midnight_is_counted_in_wita():
    late = dt.datetime(2026, 11, 16, 15, 59, 0, tzinfo=dt.UTC)  # 23:59 WITA
    assert _seconds_to_midnight(late) == 60
    assert _seconds_to_midnight(NOW) == 14 * 3600


def test_a_cache_that_is_down_lets_requests_through_and_says_so(
    samarinda_reader, settings, caplog, monkeypatch
):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "add", broken)
    settings.PMKS_API_REQUESTS_PER_MINUTE = 1
    with caplog.at_level(logging.WARNING, logger="pmks.api"):
        for _ in range(3):
            assert samarinda_reader.get("/api/v1/categories/").status_code == 200
    assert "api_rate_limit_cache_unavailable" in caplog.text


def test_page_sizes_are_bounded(samarinda_reader):
    assert samarinda_reader.get("/api/v1/cases/", {"size": 101}).status_code == 400
    assert samarinda_reader.get("/api/v1/persons/", {"size": 100}).status_code == 200
