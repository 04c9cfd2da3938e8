"""Brings the dashboards' summary up to date now (what Celery beat does every few minutes)."""

from django.core.management.base import BaseCommand

from reports import figures, summary


class Command(BaseCommand):
    help = (
        "Refreshes the summary for the regencies written to since the last refresh; with "
        "--reconcile, recounts every regency and reports how many rows it corrected. Either "
        "replays every month of a regency whose stock was never replayed from its history "
        "(the backfill after an upgrade)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reconcile", action="store_true", help="recount everything")

    def handle(self, *args, **options):
        result = summary.reconcile() if options["reconcile"] else summary.refresh()
        figures.warm()
        self.stdout.write(
            f"Summary {'reconciled' if options['reconcile'] else 'refreshed'}: "
            f"{len(result.regencies)} regencies, {result.rows_changed} rows changed."
        )
