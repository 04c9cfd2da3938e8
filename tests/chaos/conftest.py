"""Chaos fixtures: a Redis of the test's own (started and stopped by the test, on a free
loopback port from 6390), Celery workers started on it as subprocesses (as tests/worker/ does),
and the test process's cache and publishing pointed at it for the test.

Never the machine's Redis: other suites and agents use it.
"""

import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches

from pmks_portal import cache, jobs
from pmks_portal.celery import app as celery_app
from tests.worker.conftest import (
    ROOT,
    CeleryWorker,
    _requirements_missing,
    _stop,
    _test_database_url,
    start_worker,
    worker_command,
    worker_env,
)

FIRST_PORT = 6390
LOGS = ROOT / "test-artifacts"


def _free_port() -> int:
    for port in range(FIRST_PORT, FIRST_PORT + 50):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port from 6390")


class OwnRedis:
    """A redis-server on 127.0.0.1:port, without persistence: stopped, it loses what it held,
    as a Redis that crashed."""

    def __init__(self, port: int, log: Path):
        self.port = port
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--logfile", str(self.log),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not self.answers():
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on {self.port}")
            time.sleep(0.05)

    def answers(self) -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def own_redis(transactional_db):
    missing = _requirements_missing()
    if missing:
        pytest.fail(f"Chaos tests need PostgreSQL and Redis: {missing}.", pytrace=False)
    LOGS.mkdir(exist_ok=True)
    redis = OwnRedis(_free_port(), LOGS / "chaos-redis.log")
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def portal_on(own_redis, settings):
    """The test process's cache and Celery publishing on the test's own Redis."""
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": own_redis.url,
        }
    }
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    # Every task registered first: close() also takes the app off the list that task modules
    # imported later register with.
    celery_app.loader.import_default_modules()
    celery_app.finalize(auto=True)
    celery_app.close()  # its connection pool, made for the previous broker
    celery_app.conf.broker_url = own_redis.url
    celery_app.conf.task_always_eager = False
    cache.outage.reset()
    jobs.broker.reset()
    yield own_redis
    celery_app.close()
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
    caches["default"].close()
    cache.outage.reset()
    jobs.broker.reset()


class Workers:
    """Workers started on the test's Redis; all stopped at the end."""

    def __init__(self, redis: OwnRedis, tmp_path: Path):
        self.redis = redis
        self.tmp_path = tmp_path
        self.started: list[CeleryWorker] = []

    def start(self, *, app: str = "pmks_portal", beat: bool = True, name: str = "w"):
        hostname = f"chaos-{name}-{uuid.uuid4().hex[:6]}@{socket.gethostname()}"
        log = LOGS / f"chaos-worker-{name}.log"
        env = worker_env(_test_database_url(), self.redis.url)
        extra = ["-B", "-s", str(self.tmp_path / f"beat-{name}")] if beat else []
        worker = start_worker(worker_command(app, "celery", hostname, *extra), env, hostname, log)
        self.started.append(worker)
        return worker

    def stop_all(self):
        for worker in self.started:
            _stop(worker.process)


@pytest.fixture
def workers(portal_on, tmp_path):
    started = Workers(portal_on, tmp_path)
    yield started
    started.stop_all()


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Categories and national targets: loaded by migrations, gone after an earlier test's
    flush (every chaos test commits)."""
    from cases.categories_data import load_default_categories
    from cases.models import Category, CategoryAlias
    from reports.models import Target, TargetBaseline, TargetRestatement
    from reports.targets_data import load_national_targets

    load_default_categories(Category, CategoryAlias)
    load_national_targets(Target, TargetRestatement, TargetBaseline)


@pytest.fixture(autouse=True)
def report_files():
    """Report files are written where the workers write them (the test settings' MEDIA_ROOT)."""
    import shutil

    yield
    shutil.rmtree(Path(settings.MEDIA_ROOT, "reports"), ignore_errors=True)
