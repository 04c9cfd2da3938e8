"""Real Celery workers for the reports: the session's worker (tests/worker/conftest.py), and a
second one started and killed by a test, running a build made slow on purpose.

Here Celery is not eager (the eager fixture of the reports tests is replaced) and report files
are written where the workers write them: the test settings' MEDIA_ROOT, shared by both
processes.
"""

import shutil
import signal
import socket
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.worker.conftest import (  # noqa: F401 - fixtures re-exported for this package
    ROOT,
    CeleryWorker,
    _requirements_missing,
    _test_database_url,
    celery_worker,
    live_celery_worker,
    start_worker,
    worker_command,
    worker_env,
)

KILL_QUEUE = "reports-kill-test"


@pytest.fixture(autouse=True)
def eager_celery():
    """Not eager: the tasks of these tests go through Redis to a real worker."""
    yield


@pytest.fixture(autouse=True)
def report_files():
    """The workers' MEDIA_ROOT; the reports written by a test are removed after it."""
    folder = Path(settings.MEDIA_ROOT, "reports")
    yield settings.MEDIA_ROOT
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def killable_worker(live_celery_worker, transactional_db):  # noqa: F811 - the fixture
    """A second worker, on its own queue, whose PDF step waits a minute (slow_app.py): a test
    starts a build on it and kills it with SIGKILL in the middle."""
    missing = _requirements_missing()
    if missing:
        pytest.fail(f"Worker tests need a real broker and database: {missing}.", pytrace=False)
    hostname = f"pytest-kill-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    log = ROOT / "test-artifacts" / "celery-worker-killed.log"
    log.parent.mkdir(exist_ok=True)
    env = worker_env(_test_database_url(), settings.REDIS_URL)
    command = worker_command("tests.reports.worker.slow_app", KILL_QUEUE, hostname)
    worker = start_worker(command, env, hostname, log, timeout=30)
    yield worker
    if worker.is_alive():
        worker.process.send_signal(signal.SIGKILL)
        worker.process.wait(timeout=10)
    assert connection.vendor == "postgresql"
