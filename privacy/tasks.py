"""Celery tasks of the privacy app: no arguments or ids only, never names; each calls a service."""

from celery import shared_task

from privacy import retention


@shared_task(ignore_result=True)
def pseudonymise_past_retention() -> int:
    """Pseudonymises the persons past retention (privacy.retention); returns the run's id.
    Safe twice: a person is pseudonymised once, the second run finds nobody due."""
    return retention.retention_run().pk
