"""Celery tasks of the case registry. Each takes an id, calls a service, and may run twice.

Acks are late (settings), so a task can be delivered again after a worker dies; the import
services then do nothing for a batch that moved on (checked, committed) and redo a check or a
commit whose transaction never finished.
"""

from celery import shared_task

from cases import importing


@shared_task(ignore_result=True)
def check_import(batch_id: int) -> None:
    """Reads and checks an uploaded spreadsheet (importing.import_batch_check)."""
    importing.import_batch_check(batch_id)


@shared_task(ignore_result=True)
def commit_import(batch_id: int) -> None:
    """Saves the valid rows of a checked spreadsheet in one transaction."""
    importing.import_batch_commit(batch_id)
