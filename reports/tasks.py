"""Celery tasks of the reports app. Each takes ids (never names), calls a service, may run twice.

Acks are late and a lost worker's message is rejected back to the queue (settings); that is safe
here because the build claims its run first (reports.services) and the summary tasks only
recount.
"""

from celery import shared_task

from reports import figures, services, summary

RETRY_BACKOFF_SECONDS = 10


@shared_task(bind=True, ignore_result=True, max_retries=services.MAX_ATTEMPTS)
def build_report(self, run_id: str) -> None:
    """Builds one report run (services.report_build); retried after a passing database error."""
    try:
        services.report_build(run_id)
    except services.Retryable as error:
        raise self.retry(
            exc=error, countdown=RETRY_BACKOFF_SECONDS * 2**self.request.retries
        ) from error


@shared_task(ignore_result=True)
def refresh_summary() -> None:
    """Brings the summary up to date for the regencies written to since the last refresh, then
    computes the dashboards' figures of this month ahead of the first view."""
    summary.refresh()
    figures.warm()


@shared_task(ignore_result=True)
def reconcile_summary() -> None:
    """Recounts the whole summary and records how many rows it had to correct."""
    summary.reconcile()
    figures.warm()


@shared_task(ignore_result=True)
def monthly_reports() -> None:
    """Last month's report of every regency and of the province (on the 1st)."""
    services.monthly_reports()
