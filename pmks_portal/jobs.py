"""Handing work to Celery so that it survives a broker outage: the job row is the outbox.

Every kind of background job (case imports, report runs, digests, and those to come) follows
the same four rules:

1. The job's own row (ImportBatch, ReportRun, ...) is written first, in the request's
   transaction, with a status that says it waits and an `enqueued_at` left empty.
2. `publish_on_commit(task, Model, pk)` publishes the task once that transaction commits. A
   publish that fails (Redis down, a timeout) is logged once per outage and never raises into
   the request: the row simply keeps `enqueued_at` empty. A publish that succeeds sets it.
3. While a worker holds a job it keeps the row's `heartbeat_at` fresh (`heartbeat()`, a thread
   writing every HEARTBEAT_EVERY seconds, so even a long render step without progress keeps
   it). A row whose heartbeat is older than STALE_AFTER has lost its worker.
4. A sweeper, `sweep()`, runs in beat every SWEEP_EVERY seconds and once when a worker starts
   (pmks_portal.celery). Each job kind gives one sweeping function (settings
   PMKS_JOB_SWEEPERS); each publishes the rows that wait unpublished (or whose message may be
   lost: published more than REPUBLISH_AFTER ago and still waiting) and takes back the rows of
   dead workers. A job that was not published is thus on its way within SWEEP_EVERY of a
   worker and broker being available; a dead worker's within STALE_AFTER + SWEEP_EVERY.

Tasks must therefore be idempotent: each claims its row first (a conditional UPDATE or
select_for_update(skip_locked=True)), so a second delivery does nothing.
"""

import logging
import threading
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from pmks_portal.outages import Outage

logger = logging.getLogger("pmks.jobs")

HEARTBEAT_EVERY = 5.0
STALE_AFTER = timedelta(seconds=30)
SWEEP_EVERY = 30.0
REPUBLISH_AFTER = timedelta(minutes=5)

broker = Outage("broker", retry_after=10.0)


def publish(task, *args, queue: str | None = None) -> bool:
    """Sends `task(*args)` to the broker; False (logged once per outage) when it cannot.

    Eagerly (demo, tests) the task runs here and its own errors propagate, as eager promises;
    only a failing broker is swallowed.
    """
    options = {"queue": queue} if queue else {}
    if task.app.conf.task_always_eager:
        try:
            task.apply_async(args=args, **options)
        except _broker_errors():
            logger.warning("publish of %s failed (eager)", task.name, exc_info=True)
            return False
        return True
    if not broker.available():
        return False
    try:
        task.apply_async(args=args, **options)
    except Exception as error:  # noqa: BLE001 - the job waits for the sweeper, never a 500
        broker.failed(error)
        return False
    broker.succeeded()
    return True


def _broker_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError

    return (OperationalError, ConnectionError, TimeoutError)


def publish_job(task, model, pk, *, queue: str | None = None) -> bool:
    """Publishes the task of one job row; the row records that it was sent.

    The row is marked first and unmarked if the publish fails: marked after, the UPDATE could
    hold the row's lock just when the worker, already given the message, claims the row with
    skip_locked, and the worker would take the job as not waiting.
    """
    rows = model.objects.filter(pk=pk)
    rows.update(enqueued_at=timezone.now())
    sent = publish(task, pk if isinstance(pk, int) else str(pk), queue=queue)
    if not sent:
        rows.update(enqueued_at=None)
    return sent


def publish_on_commit(task, model, pk, *, queue: str | None = None) -> None:
    """publish_job once the current transaction commits (never if it rolls back)."""
    transaction.on_commit(lambda: publish_job(task, model, pk, queue=queue))


# ---------------------------------------------------------------------------------------------
# What sweepers select


def unpublished(now) -> Q:
    """Rows of waiting jobs whose message was never sent, or may have been lost."""
    return Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REPUBLISH_AFTER)


def stale(now) -> Q:
    """Rows of running jobs whose worker stopped beating."""
    return Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - STALE_AFTER)


def sweep(now=None) -> dict[str, dict]:
    """Runs every job kind's sweeper; one that fails is logged and does not stop the others."""
    now = now or timezone.now()
    outcome = {}
    for path in settings.PMKS_JOB_SWEEPERS:
        try:
            outcome[path] = import_string(path)(now)
        except Exception:  # noqa: BLE001 - the next sweep tries again
            logger.exception("sweeper %s failed", path)
    return outcome


# ---------------------------------------------------------------------------------------------
# Heartbeat


@contextmanager
def heartbeat(queryset):
    """While the block runs in a worker, `queryset.update(heartbeat_at=now)` every
    HEARTBEAT_EVERY seconds from a thread of its own (its own database connection).

    Outside a worker (eager Celery, a command, a test) nobody sweeps the job while it runs, so
    no thread is started.
    """
    if not _in_worker():
        yield
        return
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(HEARTBEAT_EVERY):
                queryset.update(heartbeat_at=timezone.now())
        except Exception:  # noqa: BLE001 - a missed beat only makes the sweeper look sooner
            logger.warning("heartbeat stopped", exc_info=True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, name="job-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=HEARTBEAT_EVERY * 2)


def _in_worker() -> bool:
    from celery import current_task

    return bool(current_task) and not current_task.request.is_eager
