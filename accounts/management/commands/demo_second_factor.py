"""Demo mode only: the demo authenticator's secret and the code it shows now."""

from base64 import b32encode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from accounts.demo import DEMO_TOTP_KEY


class Command(BaseCommand):
    help = (
        "Demo mode only: prints the authenticator secret of the demo users admin and provinsi "
        "and the 6-digit code valid now (it changes every 30 seconds)."
    )

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("demo_second_factor runs only in demo mode (PMKS_DEMO=1).")
        key = bytes.fromhex(DEMO_TOTP_KEY)
        code = TOTP(key).token()
        self.stdout.write(f"Demo second-factor secret (base32): {b32encode(key).decode()}")
        self.stdout.write(f"Code now: {code:06d}")
