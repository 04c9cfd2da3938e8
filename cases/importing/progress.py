"""An import's progress: written to the cache as rows go by (the pages poll it), and to the
batch's row now and then while it is checked."""

from collections.abc import Callable

from cases.models import ImportBatch
from pmks_portal import cache

# The batch's progress is written at most once per this many rows.
PROGRESS_EVERY = 1000


def progress_key(batch_id: int) -> str:
    return f"import-progress:{batch_id}"


def current_progress(batch: ImportBatch) -> int:
    """The batch's progress: while it runs, the cache is fresher than the row (see commit)."""
    if batch.status in (ImportBatch.Status.CHECKING, ImportBatch.Status.COMMITTING):
        cached = cache.get(progress_key(batch.pk))
        if cached is not None:
            return max(int(cached), batch.progress)
    return batch.progress


def reporter(
    batch_id: int, total: int, *, start: int = 0, span: int = 100, write_row: bool
) -> Callable[[int], None]:
    """A callback of rows done that moves the batch from `start` % over `span` % as they go."""
    last = {"rows": 0}

    def report(rows_done: int) -> None:
        if rows_done - last["rows"] < PROGRESS_EVERY:
            return
        last["rows"] = rows_done
        share = min(rows_done / total, 1.0) if total else 0.0
        percent = min(99, start + int(span * share))
        cache.set(progress_key(batch_id), percent, 3600)
        if write_row:
            ImportBatch.objects.filter(pk=batch_id).update(progress=percent)

    return report


def forget(batch_id: int) -> None:
    cache.delete(progress_key(batch_id))
