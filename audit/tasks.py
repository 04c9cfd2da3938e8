"""Celery tasks of the audit trail: interfaces that call a service, nothing more."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from audit import unusual_access


@shared_task(
    name="audit.tasks.send_unusual_access_digest",
    ignore_result=True,
    soft_time_limit=300,
    time_limit=360,
    # SMTP and connection failures: the week's row rolled back with them, so a retry sends.
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=3,
)
def send_unusual_access_digest(week_start: str | None = None) -> dict:
    """Weekly: the digest of the week that starts on `week_start` (ISO date of a Monday), by
    default the last full week in WITA. Idempotent per week."""
    start = (
        date.fromisoformat(week_start)
        if week_start
        else unusual_access.last_week_start(timezone.localdate())
    )
    if start.weekday() != 0:
        raise ValueError(f"{start} is not a Monday")
    digest = unusual_access.unusual_access_send_digest(start)
    return {"week": start.isoformat(), "sent": digest is not None}
