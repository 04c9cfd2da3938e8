"""Keeping a checked upload: written under a random name, opened for reading, removed with its row.

Who may do which, and what goes into the audit trail, stays with the services of each app.
"""

import logging
from collections.abc import Callable
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.db import transaction

from pmks_portal.private_files.content import CheckedFile
from pmks_portal.private_files.models import PrivateFile
from pmks_portal.private_files.names import stored_name

logger = logging.getLogger("pmks.private_files")


@contextmanager
def stored(record: PrivateFile, checked: CheckedFile):
    """Writes the checked content to the record's file, under a random name, for the block that
    saves the record. When the block fails the row is not saved, so the file is removed again."""
    record.file.save(stored_name(checked.kind), ContentFile(checked.content), save=False)
    try:
        yield record
    except BaseException:
        record.file.delete(save=False)
        raise


def delete_with_file(record: PrivateFile) -> None:
    """Deletes the row, and its file once the transaction has committed (a rollback keeps it)."""
    storage, name = record.file.storage, record.file.name
    record.delete()
    transaction.on_commit(lambda: storage.delete(name))


def open_stored(record: PrivateFile, *, audit: Callable[[], object] | None = None):
    """The stored file, opened for reading, after `audit` (when given) logged who opened it.

    FileNotFoundError when the file is missing from storage; nothing is audited then.
    """
    try:
        handle = record.file.storage.open(record.file.name, "rb")
    except FileNotFoundError:
        logger.error("private_file_missing model=%s pk=%s", record._meta.label, record.pk)
        raise
    if audit is not None:
        try:
            audit()
        except BaseException:
            handle.close()
            raise
    return handle
