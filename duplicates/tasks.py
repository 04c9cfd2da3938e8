"""Celery tasks of the duplicates queue: interfaces that call a service, nothing more."""

from celery import shared_task

from duplicates import suspects


@shared_task(name="duplicates.tasks.refresh_suspected_pairs", ignore_result=True)
def refresh_suspected_pairs() -> dict:
    """Nightly: the whole registry against the three rules (idempotent)."""
    run = suspects.suspected_pairs_refresh()
    return {"suspected": run.suspected, "added": run.added, "withdrawn": run.withdrawn}
