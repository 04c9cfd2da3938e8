"""The Celery application: configuration from Django settings (CELERY_ namespace), the jobs'
sweeper (pmks_portal.jobs) as a task, and a sweep each time a worker starts."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmks_portal.settings")

app = Celery("pmks_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="pmks_portal.sweep_jobs", ignore_result=True)
def sweep_jobs() -> None:
    """Publishes the jobs that wait unpublished and takes back those of dead workers."""
    from pmks_portal import jobs

    jobs.sweep()


@worker_ready.connect
def sweep_when_a_worker_starts(sender=None, **kwargs) -> None:
    """A worker that (re)starts picks up at once what waited for it: the sweep runs as a task,
    in a pool process, rather than in the worker's main process (whose database connection
    later pool processes would inherit)."""
    from pmks_portal import jobs

    jobs.publish(sweep_jobs)
