"""Celery tasks of the worklists: interfaces that call a service, nothing more."""

from celery import shared_task

from worklists import services


@shared_task(
    name="worklists.tasks.send_daily_digests",
    ignore_result=True,
    soft_time_limit=600,
    time_limit=660,
    # SMTP and connection failures (OSErrors): that user's day row rolled back with the send.
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def send_daily_digests() -> dict:
    """Daily: each user's digest of what waits for them (idempotent per day)."""
    run = services.digest_send_daily()
    return {"sent": run.sent, "nothing_due": run.nothing_due, "sent_before": run.sent_before}
