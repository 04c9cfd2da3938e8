"""Celery tasks of DTSEN. Each takes an id and calls a service; a second delivery does nothing
(the service claims its row first)."""

from celery import shared_task

from dtsen import loading


@shared_task(ignore_result=True, time_limit=1800)
def load_extract(extract_id: int) -> None:
    """Checks and loads an uploaded DTSEN extract, then recomputes the worklist."""
    loading.extract_load(extract_id)
