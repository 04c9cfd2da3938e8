"""Celery tasks of the Rakornis: interfaces that call a service, nothing more."""

from celery import shared_task

from rakornis import services


@shared_task(
    name="rakornis.tasks.send_follow_up_reminders",
    ignore_result=True,
    soft_time_limit=300,
    time_limit=360,
    # SMTP and connection failures (all OSErrors); the day's log rows rolled back with them.
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=3,
)
def send_follow_up_reminders() -> dict:
    """Daily: e-mails responsible regencies about follow-ups due within a week or overdue.

    Idempotent per day (services.follow_up_send_reminders records every reminder first), so a
    retry or a second run sends nothing twice.
    """
    run = services.follow_up_send_reminders()
    return {"emails": run.emails, "follow_ups": run.follow_ups}
