from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, ensure_demo_users
from kube.demo import seed_demo_kube
from rakornis.demo import ensure_demo_meeting
from regions.models import Region


class Command(BaseCommand):
    help = "Demo mode only: create one demo user per role (idempotent) and print how to sign in."

    def add_arguments(self, parser):
        parser.add_argument(
            "--kube", type=int, metavar="N", help="Add N synthetic KUBE groups (benchmarks)."
        )

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "seed_demo runs only in demo mode (PMKS_DEMO=1), never in production."
            )
        if not Region.objects.filter(code=settings.PMKS_PROVINCE_CODE).exists():
            raise CommandError("No regions yet: run `manage.py load_regions` first.")
        users = ensure_demo_users()
        self.stdout.write("Demo users (password for all: %s):" % DEMO_PASSWORD)
        for user, created in users:
            where = f", {user.regency}" if user.regency else ""
            note = "created" if created else "exists"
            self.stdout.write(f"  {user.username:<16} {user.get_role_display()}{where} ({note})")
        seed_demo_kube(options.get("kube"), self.stdout.write)
        meeting, created = ensure_demo_meeting()
        note = "created" if created else "exists"
        self.stdout.write(
            f"Demo Rakornis {meeting.year}: {meeting.participants.count()} participants ({note})."
        )
