from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, ensure_demo_users
from cases import demo
from dtsen.demo import seed_demo_dtsen
from kube.demo import seed_demo_kube
from rakornis.demo import ensure_demo_meeting
from regions.models import Region

# Enough to show lists, filters and the three targets; seeded in a second or two on SQLite.
DEMO_CASES = 300


class Command(BaseCommand):
    help = (
        "Demo mode only: create one demo user per role and a small set of synthetic cases "
        f"({DEMO_CASES}); both idempotent. With --cases N, add N more synthetic "
        "cases (for benchmarks) and print the time taken."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases",
            type=int,
            metavar="N",
            help="Add N synthetic cases, whatever the registry holds already.",
        )
        parser.add_argument(
            "--seed",
            default=demo.DEFAULT_SEED,
            help="Random seed: the same seed on the same database gives the same people "
            "(default: %(default)s).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=demo.BATCH_SIZE,
            help="Cases written per transaction (default: %(default)s).",
        )
        parser.add_argument(
            "--kube", type=int, metavar="N", help="Add N synthetic KUBE groups (benchmarks)."
        )

    def handle(self, *args, cases, seed, batch_size, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "seed_demo runs only in demo mode (PMKS_DEMO=1), never in production."
            )
        if not Region.objects.filter(code=settings.PMKS_PROVINCE_CODE).exists():
            raise CommandError("No regions yet: run `manage.py load_regions` first.")
        if cases is not None and cases < 1:
            raise CommandError("--cases needs a positive number.")
        users = ensure_demo_users()
        self.stdout.write("Demo users (password for all: %s):" % DEMO_PASSWORD)
        for user, created in users:
            where = f", {user.regency}" if user.regency else ""
            note = "created" if created else "exists"
            self.stdout.write(f"  {user.username:<16} {user.get_role_display()}{where} ({note})")
        self.stdout.write(
            "  admin and provinsi also enter a second-factor code: "
            "`manage.py demo_second_factor` prints the one valid now (README, Demo users)."
        )
        if cases is None:
            self.seed_small(seed, batch_size)
        else:
            self.seed_many(cases, seed, batch_size)
        seed_demo_kube(options.get("kube"), self.stdout.write)
        meeting, created = ensure_demo_meeting()
        note = "created" if created else "exists"
        self.stdout.write(
            f"Demo Rakornis {meeting.year}: {meeting.participants.count()} participants ({note})."
        )
        extract = seed_demo_dtsen()
        if extract is None:
            self.stdout.write("Demo DTSEN extract: exists (or no provincial officer); none added.")
        else:
            extract.refresh_from_db()
            self.stdout.write(
                f"Demo DTSEN extract: {extract.label} ({extract.get_status_display()}, "
                f"{extract.total_rows:,} rows; worklist {extract.item_counts})."
            )

    def seed_small(self, seed, batch_size):
        # Idempotent by the runs' own audit events: cases that colleagues or other demo data
        # (KUBE members) created do not count as the demo set.
        seeded = demo.seeded_before()
        if seeded:
            self.stdout.write(f"Demo cases: {seeded:,} synthetic cases exist; none added.")
            return
        result = demo.seed_cases(DEMO_CASES, seed=seed, batch_size=batch_size, showcase=True)
        self.stdout.write(
            f"Demo cases: {result.cases} cases of {result.persons} persons added "
            f"in {result.seconds:.1f} s."
        )

    def seed_many(self, cases, seed, batch_size):
        every = max(batch_size, cases // 10)
        reported = [0]

        def progress(result):
            if result.cases - reported[0] >= every or result.cases == cases:
                reported[0] = result.cases
                self.stdout.write(
                    f"  {result.cases:>10,} cases  {result.seconds:7.1f} s  "
                    f"{result.rows_per_second:8,.0f} cases/s"
                )

        self.stdout.write(f"Adding {cases:,} synthetic cases...")
        result = demo.seed_cases(cases, seed=seed, batch_size=batch_size, progress=progress)
        rows = (
            result.persons
            + result.cases
            + result.transitions
            + result.interventions
            + result.pasung
            + result.street_children
            + result.sex_work
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {result.cases:,} cases in {result.seconds:.1f} s "
                f"({result.rows_per_second:,.0f} cases/s; {rows:,} rows in all, "
                f"{rows / result.seconds:,.0f} rows/s): {result.persons:,} persons "
                f"({result.without_nik:,} without NIK), {result.transitions:,} status changes, "
                f"{result.interventions:,} interventions, {result.pasung:,} pasung, "
                f"{result.street_children:,} street children, {result.sex_work:,} tuna susila."
            )
        )
