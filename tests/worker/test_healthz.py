"""/healthz against a real broker and a real worker (not eager)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.worker


def test_healthz_is_ok_while_a_worker_runs(celery_worker, client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok", "celery_workers": "ok"},
    }
    assert celery_worker.ping(), "the session's own worker answers, not a stray one"
