"""Real Celery workers for the reports: the session's worker (tests/worker/conftest.py), and a
second one started and killed by a test, running a build made slow on purpose.

Here Celery is not eager (the eager fixture of the reports tests is replaced) and report files
are written where the workers write them: the test settings' MEDIA_ROOT, shared by both
processes.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.worker.conftest import (  # noqa: F401 - fixtures re-exported for this package
    ROOT,
    CeleryWorker,
    _requirements_missing,
    _stop,
    _test_database_url,
    celery_worker,
    live_celery_worker,
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
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "tests.settings"),
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.reports.worker.slow_app",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                KILL_QUEUE,
                "--loglevel=INFO",
                "--hostname",
                hostname,
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    worker = CeleryWorker(process, hostname, log)
    deadline = time.monotonic() + 30
    while not worker.ping():
        if not worker.is_alive() or time.monotonic() > deadline:
            _stop(process)
            pytest.fail("The killable worker did not start:\n" + worker.log_tail(), pytrace=False)
        time.sleep(0.2)
    yield worker
    if worker.is_alive():
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert connection.vendor == "postgresql"
