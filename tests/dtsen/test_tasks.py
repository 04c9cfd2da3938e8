"""The load's task and sweeper: a task calls the service, a second delivery does nothing, and
an extract whose publish was lost, or whose worker died, is sent again."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from dtsen import dispatch, tasks
from dtsen.models import Entry, Extract
from tests.dtsen.conftest import csv_bytes, synthetic_row

pytestmark = pytest.mark.django_db


def _waiting(officer, **fields) -> Extract:
    extract = Extract(year=2025, quarter=3, uploaded_by=officer, original_name="d.csv", **fields)
    content = csv_bytes([synthetic_row("64.72.05.1002", 1)])
    extract.file.save("d.csv", ContentFile(content), save=False)
    extract.save()
    return extract


def test_the_task_loads_once_however_often_it_is_delivered(provincial_officer):
    extract = _waiting(provincial_officer)
    tasks.load_extract(extract.pk)
    tasks.load_extract(extract.pk)
    extract.refresh_from_db()
    assert extract.status == Extract.Status.LOADED
    assert Entry.objects.filter(extract=extract).count() == 1


def test_the_sweeper_sends_a_lost_extract_and_takes_back_a_dead_workers(
    provincial_officer, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        dispatch.jobs, "publish", lambda task, pk, queue=None: sent.append(pk) or True
    )
    never_sent = _waiting(provincial_officer)
    long_ago = timezone.now() - timedelta(minutes=10)
    dead = _waiting(provincial_officer, status=Extract.Status.LOADING, heartbeat_at=long_ago)
    _waiting(provincial_officer, status=Extract.Status.LOADING, heartbeat_at=timezone.now())
    outcome = dispatch.sweep(timezone.now())
    assert sorted(sent) == sorted([never_sent.pk, dead.pk])
    assert outcome == {"published": 1, "taken_back": 1}
    assert dispatch.claim(dead.pk), "a stale load can be claimed again"
