"""How an extract reaches a worker, and comes back from a dead one (pmks_portal.jobs).

The extract row is the outbox: WAITING waits for load_extract. The load claims the row with a
conditional UPDATE and keeps a heartbeat while it runs; a LOADING row whose heartbeat stopped
lost its worker, and the sweeper hands it back (the load is one transaction, so nothing of it
was kept).
"""

from django.db.models import Q
from django.utils import timezone

from dtsen.models import Extract
from pmks_portal import jobs

Status = Extract.Status


def _task():
    from dtsen import tasks

    return tasks.load_extract


def queue(extract_id: int) -> None:
    """The extract's load, published once the current transaction commits."""
    jobs.publish_on_commit(_task(), Extract, extract_id)


def claim(extract_id: int) -> bool:
    """Takes a waiting extract, or one whose loading worker stopped beating, for this worker."""
    now = timezone.now()
    claimed = (
        Extract.objects.filter(pk=extract_id)
        .filter(Q(status=Status.WAITING) | (Q(status=Status.LOADING) & jobs.stale(now)))
        .update(status=Status.LOADING, progress=0, failure="", heartbeat_at=now)
    )
    return bool(claimed)


def heartbeat(extract_id: int):
    return jobs.heartbeat(Extract.objects.filter(pk=extract_id, status=Status.LOADING))


def sweep(now) -> dict[str, int]:
    """Publishes extracts that wait unpublished; loads of dead workers again."""
    published = taken_back = 0
    waiting = Extract.objects.filter(Q(status=Status.WAITING) & jobs.unpublished(now))
    for pk in waiting.values_list("pk", flat=True):
        published += jobs.publish_job(_task(), Extract, pk)
    dead = Extract.objects.filter(Q(status=Status.LOADING) & jobs.stale(now))
    for pk in dead.values_list("pk", flat=True):
        taken_back += jobs.publish_job(_task(), Extract, pk)
    return {"published": published, "taken_back": taken_back}
