from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from regions.loader import RegionDataError, load_province


class Command(BaseCommand):
    help = (
        "Load a province's regencies, districts and villages from the official list "
        "(idn-area-data, ODbL 1.0). Idempotent: existing regions are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            default=settings.PMKS_PROVINCE_CODE,
            help="Kemendagri province code (default: %(default)s).",
        )
        parser.add_argument(
            "--source",
            type=Path,
            default=settings.REGIONS_DATA_DIR,
            help="Folder with provinces.csv, regencies.csv, districts.csv, villages.csv.",
        )

    def handle(self, *args, province, source, **options):
        try:
            result = load_province(source, province.strip())
        except RegionDataError as error:
            raise CommandError(str(error)) from None
        created = result.created
        self.stdout.write(
            f"{result.province.code} {result.province.name}: created {created['province']} "
            f"province, {created['regency']} regencies/cities, {created['district']} districts, "
            f"{created['village']} villages; {result.existing} already present."
        )
