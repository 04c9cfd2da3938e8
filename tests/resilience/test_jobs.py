"""Jobs through a broker outage (pmks_portal/jobs.py): the job row is the outbox, a failed
publish never reaches the user as a 500, and the sweeper publishes what waits and takes back
what a dead worker left."""

from datetime import timedelta

import kombu.exceptions
import pytest
from celery import Celery
from celery.signals import worker_ready
from django.conf import settings
from django.utils import timezone

from cases import importing, tasks
from cases.importing import dispatch
from cases.models import Case, ImportBatch
from pmks_portal import celery as portal_celery
from pmks_portal import jobs
from pmks_portal.celery import app as celery_app
from tests.cases.test_import import commit, csv_bytes, row, upload
from tests.cases.test_import_views import (  # noqa: F401 - autouse fixtures, used here too
    eager_celery,
    import_urls_mounted,
    post_file,
    private_media,
)

pytestmark = pytest.mark.django_db

Status = ImportBatch.Status


@pytest.fixture(autouse=True)
def fresh_broker_state():
    jobs.broker.reset()
    yield
    jobs.broker.reset()


class RefusingBroker:
    """A configured broker (not eager) that refuses every publish, as Redis when stopped."""

    def __init__(self):
        self.sent = []
        self.patch = pytest.MonkeyPatch()

    def refused(self, *args, **kwargs):
        self.sent.append(args)
        raise kombu.exceptions.OperationalError("Error 111 connecting to redis. Refused.")

    def start(self):
        celery_app.conf.task_always_eager = False
        for task in (tasks.check_import, tasks.commit_import):
            self.patch.setattr(task, "apply_async", self.refused)

    def stop(self):
        """The broker is back (and Celery eager, as in these tests)."""
        self.patch.undo()
        celery_app.conf.task_always_eager = True
        jobs.broker.reset()


@pytest.fixture
def broker_down():
    broker = RefusingBroker()
    broker.start()
    yield broker
    broker.stop()


def test_an_import_uploaded_while_the_broker_is_down_is_queued_then_swept_through(
    login, samarinda_staff, broker_down, english, django_capture_on_commit_callbacks
):
    client = login(samarinda_staff)
    response = post_file(client, csv_bytes([row()]), "a.csv", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.enqueued_at) == (Status.UPLOADED, None)
    assert len(broker_down.sent) == 1
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b'data-testid="job-queued"' in page.content
    assert b"the background service cannot be reached right now" in page.content

    # A second upload within the outage does not even try the broker.
    post_file(client, csv_bytes([row(nama="Dua")]), "b.csv", django_capture_on_commit_callbacks)
    assert len(broker_down.sent) == 1

    broker_down.stop()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = dispatch.sweep(timezone.now())
    assert outcome == {"published": 2, "taken_back": 0}
    assert set(ImportBatch.objects.values_list("status", flat=True)) == {Status.CHECKED}
    assert ImportBatch.objects.filter(enqueued_at__isnull=True).count() == 0
    assert b"job-queued" not in client.get(response["Location"]).content


def test_the_sweeper_takes_back_a_check_whose_worker_stopped_beating(
    samarinda_staff, django_capture_on_commit_callbacks
):
    batch = importing.import_batch_create(
        actor=samarinda_staff,
        regency=samarinda_staff.regency,
        upload=_upload(csv_bytes([row()])),
        queue=False,
    )
    now = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=Status.CHECKING, enqueued_at=now, heartbeat_at=now
    )
    assert not dispatch.claim_check(batch.pk)  # a second delivery while it lives: nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch.sweep(now) == {"published": 0, "taken_back": 0}
    assert ImportBatch.objects.get(pk=batch.pk).status == Status.CHECKING

    # The worker died: its last beat is older than STALE_AFTER.
    silent_since = now - jobs.STALE_AFTER - timedelta(seconds=1)
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=silent_since)
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch.sweep(timezone.now()) == {"published": 0, "taken_back": 1}
    assert ImportBatch.objects.get(pk=batch.pk).status == Status.CHECKED


def test_the_sweeper_commits_again_a_batch_whose_commit_died(
    samarinda_staff, django_capture_on_commit_callbacks
):
    batch = upload(samarinda_staff, csv_bytes([row()]))
    importing.import_batch_commit_request(
        actor=samarinda_staff, batch=batch, warnings_confirmed=True, queue=False
    )
    # The commit started (heartbeat) then its worker died: its transaction was rolled back, so
    # nothing was saved and the row is no longer locked.
    ImportBatch.objects.filter(pk=batch.pk).update(
        enqueued_at=timezone.now(), heartbeat_at=timezone.now()
    )
    assert Case.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch.sweep(timezone.now()) == {"published": 0, "taken_back": 1}
    batch.refresh_from_db()
    assert batch.status == Status.COMMITTED and Case.objects.count() == 1
    # Done once: a late redelivery of the first message changes nothing.
    tasks.commit_import.apply(args=[batch.pk])
    assert Case.objects.count() == 1


def test_a_waiting_job_published_long_ago_is_published_again(
    samarinda_staff, django_capture_on_commit_callbacks
):
    batch = upload(samarinda_staff, csv_bytes([row()]))
    batch = commit(samarinda_staff, batch)
    fresh = importing.import_batch_create(
        actor=samarinda_staff,
        regency=samarinda_staff.regency,
        upload=_upload(csv_bytes([row(nama="Tiga")])),
        queue=False,
    )
    ImportBatch.objects.filter(pk=fresh.pk).update(enqueued_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch.sweep(timezone.now())["published"] == 0  # its message may still come
    lost_at = timezone.now() + jobs.REPUBLISH_AFTER + timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch.sweep(lost_at)["published"] == 1
    assert ImportBatch.objects.get(pk=fresh.pk).status == Status.CHECKED


def test_a_publish_to_an_unreachable_broker_returns_false_and_marks_the_outage():
    unreachable = Celery("unreachable", broker="redis://127.0.0.1:1/0", set_as_current=False)
    unreachable.conf.broker_connection_timeout = 1
    unreachable.conf.task_publish_retry_policy = settings.CELERY_TASK_PUBLISH_RETRY_POLICY

    @unreachable.task(name="unreachable.noop", shared=False)
    def noop(value):
        return value

    try:
        assert jobs.publish(noop, 1) is False
        assert jobs.broker.is_down and not jobs.broker.available()
    finally:
        unreachable.close()


def test_the_sweeper_runs_every_job_kind_and_survives_one_failing(settings, caplog):
    settings.PMKS_JOB_SWEEPERS = [
        "cases.importing.dispatch.sweep",
        "reports.services.sweep",
        "tests.resilience.test_jobs.failing_sweeper",
    ]
    outcome = jobs.sweep()
    assert set(outcome) == {"cases.importing.dispatch.sweep", "reports.services.sweep"}
    assert "sweeper tests.resilience.test_jobs.failing_sweeper failed" in caplog.text


def failing_sweeper(now):
    raise RuntimeError("broken")


def test_the_celery_settings_bring_a_killed_workers_task_back_quickly():
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    from reports.services import MAX_ATTEMPTS
    from reports.tasks import RETRY_BACKOFF_SECONDS

    longest_countdown = RETRY_BACKOFF_SECONDS * 2**MAX_ATTEMPTS
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > settings.CELERY_TASK_TIME_LIMIT + longest_countdown
    sweep = settings.CELERY_BEAT_SCHEDULE["sweep-jobs"]
    assert sweep["task"] == portal_celery.sweep_jobs.name
    assert sweep["schedule"] == jobs.SWEEP_EVERY
    # A dead worker's job is back within two minutes of a live worker.
    assert jobs.STALE_AFTER.total_seconds() + jobs.SWEEP_EVERY <= 120
    assert jobs.STALE_AFTER.total_seconds() >= jobs.HEARTBEAT_EVERY * 3
    receivers = [ref() for _key, ref in worker_ready.receivers]
    assert portal_celery.sweep_when_a_worker_starts in receivers


def test_a_starting_worker_publishes_a_sweep(monkeypatch):
    published = []
    monkeypatch.setattr(jobs, "publish", lambda task, *args: published.append(task.name))
    portal_celery.sweep_when_a_worker_starts(sender=None)
    assert published == ["pmks_portal.sweep_jobs"]


def _upload(data: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(data, name="a.csv")


def test_a_province_wide_check_whose_worker_died_is_taken_back_whole(
    provincial_officer, django_capture_on_commit_callbacks
):
    """A part of a province-wide file has no task of its own: a dead worker's half-made parts
    are passed by, and the parent's check, taken back, drops them and makes them again."""
    from tests.cases.test_import import balikpapan_village

    batch = importing.import_batch_create(
        actor=provincial_officer,
        regency=None,
        upload=_upload(csv_bytes([row(), row(nama="Dewi", kode_wilayah=balikpapan_village())])),
        queue=False,
    )
    silent_since = timezone.now() - jobs.STALE_AFTER - timedelta(seconds=1)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=Status.CHECKING, enqueued_at=silent_since, heartbeat_at=silent_since
    )
    # What the dead worker left: a part, half checked.
    orphan = ImportBatch.objects.create(
        regency_id="64.72",
        parent=batch,
        uploaded_by=provincial_officer,
        file=batch.file.name,
        status=Status.CHECKING,
        heartbeat_at=silent_since,
    )
    assert not dispatch.claim_check(orphan.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch.sweep(timezone.now()) == {"published": 0, "taken_back": 1}
    batch.refresh_from_db()
    assert batch.status == Status.CHECKED
    assert not ImportBatch.objects.filter(pk=orphan.pk).exists()
    assert sorted(batch.parts.values_list("regency_id", "status")) == [
        ("64.71", Status.CHECKED),
        ("64.72", Status.CHECKED),
    ]
