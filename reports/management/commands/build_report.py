"""Builds one report now, in this process.

manage.py build_report --regency 64.72 --period 2026-10 [--json]
"""

import json

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from regions.models import Region
from reports import availability, services
from reports.models import ReportRun
from reports.periods import parse_period


class Command(BaseCommand):
    help = (
        "Builds the report of a regency or city (or, with --province, the province roll-up) for "
        "a month, quarter or year, writes its PDF and XLSX, and records the run. With --json, "
        "prints the indicator figures as JSON."
    )

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--regency", help="Kemendagri code of the regency or city, e.g. 64.72")
        scope.add_argument("--province", action="store_true", help="the province roll-up")
        parser.add_argument("--period", required=True, help="2026-10, 2026-Q4 or 2026")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args, **options):
        try:
            period = parse_period(options["period"], today=timezone.localdate())
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        regency = None
        if options["regency"]:
            regency = Region.objects.regencies().filter(code=options["regency"]).first()
            if regency is None:
                raise CommandError(f"No regency or city with code {options['regency']}.")
        problem = availability.period_problem(
            regency.code if regency else None, period, regency.name if regency else ""
        )
        if problem:
            raise CommandError(problem)
        run, _created = services.report_request(
            actor=None, regency=regency, period=period, publish=False, via="command"
        )
        if run.status in (ReportRun.Status.DONE, ReportRun.Status.FAILED):
            run = services.report_rebuild(actor=None, run=run, publish=False, via="command")
        built = services.report_build(run.pk)
        if built is None:
            run.refresh_from_db()
            raise CommandError(
                f"Run {run.pk} is {run.status} (being built elsewhere); nothing was done."
            )
        if built.status != ReportRun.Status.DONE:
            raise CommandError(f"The report failed: {built.error}")
        if options["json"]:
            figures = built.figures
            self.stdout.write(
                json.dumps(
                    {
                        "run": str(built.pk),
                        "scope": figures["scope"],
                        "period": figures["period"],
                        "data_as_of": figures["data_as_of"],
                        "content_sha256": built.content_sha256,
                        "targets": [
                            {
                                "target": t["target"],
                                "name": t["name"],
                                "status": t["status"],
                                "forecast": t["forecast"],
                                **t["indicators"],
                            }
                            for t in figures["targets"]
                        ],
                        "files": {
                            "pdf": default_storage.path(built.pdf_file),
                            "xlsx": default_storage.path(built.xlsx_file),
                        },
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        self.stdout.write(
            f"Report {built.pk} ({built}) built, content sha256 {built.content_sha256}"
        )
        self.stdout.write(f"PDF:  {default_storage.path(built.pdf_file)}")
        self.stdout.write(f"XLSX: {default_storage.path(built.xlsx_file)}")
