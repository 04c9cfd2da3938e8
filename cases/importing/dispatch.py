"""How an import batch reaches a worker, and comes back from a dead one (pmks_portal.jobs).

The batch row is the outbox. Its status says which task it waits for: UPLOADED and CHECKING
wait for check_import, COMMITTING for commit_import. The check claims its batch with a
conditional UPDATE and keeps a heartbeat while it reads; the commit holds its batch's row lock
(select_for_update) for its one transaction, so a commit is alive exactly while that row is
locked. The sweeper publishes what was never published and hands back what a dead worker left.
A regency's part of a province-wide file has no task of its own: it is checked and saved by its
parent's (a dead parent's check drops its parts and starts again), so both pass parts by.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases.models import ImportBatch
from pmks_portal import jobs

Status = ImportBatch.Status
TASK_OF_STATUS = {
    Status.UPLOADED: "check_import",
    Status.CHECKING: "check_import",
    Status.COMMITTING: "commit_import",
}


def _task(name: str):
    from cases import tasks

    return getattr(tasks, name)


def queue(task_name: str, batch_id: int) -> None:
    """The batch's task, published once the current transaction commits."""
    jobs.publish_on_commit(_task(task_name), ImportBatch, batch_id)


def claim_check(batch_id: int) -> bool:
    """Takes an uploaded batch, or one whose checking worker stopped beating, for this worker."""
    now = timezone.now()
    claimed = (
        ImportBatch.objects.filter(pk=batch_id, parent__isnull=True)
        .filter(Q(status=Status.UPLOADED) | (Q(status=Status.CHECKING) & jobs.stale(now)))
        .update(status=Status.CHECKING, progress=0, failure="", heartbeat_at=now)
    )
    return bool(claimed)


def heartbeat(batch_id: int):
    return jobs.heartbeat(ImportBatch.objects.filter(pk=batch_id, status=Status.CHECKING))


def sweep(now) -> dict[str, int]:
    """Publishes batches that wait unpublished; checks and commits of dead workers again."""
    published = taken_back = 0
    with transaction.atomic():
        # Rows a live commit holds are locked: skip_locked leaves them out.
        candidates = (
            ImportBatch.objects.select_for_update(skip_locked=True)
            .filter(parent__isnull=True)
            .filter(
                (Q(status=Status.UPLOADED) & jobs.unpublished(now))
                | (Q(status=Status.CHECKING) & jobs.stale(now))
                | (
                    Q(status=Status.COMMITTING)
                    & (jobs.unpublished(now) | Q(heartbeat_at__isnull=False))
                )
            )
            .only("pk", "status", "heartbeat_at")
        )
        for batch in candidates:
            if batch.heartbeat_at is not None:
                taken_back += 1
            else:
                published += 1
            jobs.publish_on_commit(_task(TASK_OF_STATUS[batch.status]), ImportBatch, batch.pk)
    return {"published": published, "taken_back": taken_back}
