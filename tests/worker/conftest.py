"""A real Celery worker for the tests that need one (marked `worker`).

`live_celery_worker` starts `celery -A pmks_portal worker` as a subprocess, once per session,
on the broker of REDIS_URL and on pytest-django's test database, so that a task the test
enqueues runs in another process and sees what the test committed (use `transactional_db`,
or the `celery_worker` fixture, which requests it). The worker stops at the end of the session,
before the test database is dropped. Its log is kept in test-artifacts/celery-worker.log.

These tests need REDIS_URL and a PostgreSQL DATABASE_URL (`make test-postgres`, .ci/run); the
SQLite run deselects them with -m "not worker". Run without them, they fail, saying so.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from pmks_portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
LOG = ROOT / "test-artifacts" / "celery-worker.log"
START_TIMEOUT = 30
STOP_TIMEOUT = 15


class CeleryWorker:
    """The running worker process: its node name (for control commands) and its log."""

    def __init__(self, process: subprocess.Popen, hostname: str, log: Path):
        self.process = process
        self.hostname = hostname
        self.log = log

    def is_alive(self) -> bool:
        return self.process.poll() is None

    def ping(self, timeout: float = 1.0) -> bool:
        replies = celery_app.control.inspect(destination=[self.hostname], timeout=timeout).ping()
        return bool(replies and self.hostname in replies)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _test_database_url() -> str:
    """DATABASE_URL of the test database that pytest-django created (test_<NAME>)."""
    db = connection.settings_dict
    credentials = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    at = f"{credentials}@" if credentials else ""
    return f"postgres://{at}{host}:{port}/{quote(db['NAME'], safe='')}"


def _requirements_missing() -> str | None:
    if not settings.REDIS_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        return "REDIS_URL is not set, so Celery runs eagerly and there is no broker for a worker"
    if connection.vendor != "postgresql":
        return (
            f"the test database is {connection.vendor}: a worker in another process needs "
            "PostgreSQL (DATABASE_URL=postgres://...)"
        )
    return None


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # warm shutdown: finishes the task at hand
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture(scope="session")
def live_celery_worker(django_db_setup, django_db_blocker):
    """Starts one real Celery worker for the session and waits until it answers a ping."""
    missing = _requirements_missing()
    if missing:
        pytest.fail(
            f"Worker tests need a real broker and database: {missing}. "
            "Run `make test-postgres`, or deselect them with -m 'not worker'.",
            pytrace=False,
        )
    with django_db_blocker.unblock():
        database_url = _test_database_url()
    hostname = f"pytest-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    env = worker_env(database_url, settings.REDIS_URL)
    # Messages left in the test broker by an interrupted run would otherwise run here.
    celery_app.control.purge()

    LOG.parent.mkdir(exist_ok=True)
    worker = start_worker(worker_command("pmks_portal", "celery", hostname), env, hostname, LOG)
    try:
        yield worker
    finally:
        _stop(worker.process)


def worker_command(app: str, queue: str, hostname: str, *extra: str) -> list[str]:
    """`celery worker` of `app` on one queue, one task at a time, in its own process."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        app,
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        queue,
        "--loglevel=INFO",
        "--hostname",
        hostname,
        "--without-mingle",
        "--without-gossip",
        *extra,
    ]


def worker_env(database_url: str, redis_url: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "tests.settings"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def start_worker(
    command: list[str], env: dict, hostname: str, log: Path, timeout: float = START_TIMEOUT
) -> CeleryWorker:
    """Starts a worker process (its output in `log`) and waits until it answers a ping; one
    that exits or stays silent is stopped, and the test fails with its log."""
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    worker = CeleryWorker(process, hostname, log)
    deadline = time.monotonic() + timeout
    while not worker.ping():
        if not worker.is_alive():
            pytest.fail(
                f"The Celery worker exited with {process.returncode} before answering:\n"
                + worker.log_tail(),
                pytrace=False,
            )
        if time.monotonic() > deadline:
            _stop(process)
            pytest.fail(
                f"The Celery worker did not answer a ping within {timeout} s:\n"
                + worker.log_tail(),
                pytrace=False,
            )
        time.sleep(0.2)
    return worker


@pytest.fixture
def celery_worker(live_celery_worker, transactional_db):
    """The session's worker, for one test whose data it must see (committed, not rolled back)."""
    assert live_celery_worker.is_alive(), (
        "The Celery worker has died:\n" + live_celery_worker.log_tail()
    )
    return live_celery_worker
