"""Demo users, one per role, for demo mode only (never under production settings)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor, services
from accounts.models import User
from accounts.roles import Role
from regions.models import Region

# Printed by `make run`; demo mode only, so a shared, known password is acceptable here.
DEMO_PASSWORD = "Kaltim-Demo-2026"  # noqa: S105 (demo mode only, printed on purpose)
# The authenticator secret of every demo user whose role needs a second factor (hex, as
# django-otp keeps it): base32 DEMOKALTIMDEMOKALTIMDEMOKALTIMDE, printed by `manage.py
# demo_second_factor` with the current code, so a newcomer signs in without a phone.
DEMO_TOTP_KEY = "1918e5017343064639405cd0c1918e5017343064"  # noqa: S105 (demo only)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    regency_code: str | None
    first_name: str


DEMO_USERS = [
    DemoUser("admin", Role.ADMIN, None, "Admin Sistem"),
    DemoUser("provinsi", Role.PROVINCIAL_OFFICER, None, "Petugas Provinsi"),
    DemoUser("samarinda", Role.REGENCY_STAFF, "64.72", "Staf Samarinda"),
    DemoUser("samarinda_lihat", Role.REGENCY_VIEWER, "64.72", "Pemantau Samarinda"),
    DemoUser("balikpapan", Role.REGENCY_STAFF, "64.71", "Staf Balikpapan"),
]


def ensure_demo_users() -> list[tuple[User, bool]]:
    """Creates the demo users that are missing; returns (user, created) pairs."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("Demo users exist only in demo mode (PMKS_DEMO=1).")
    result = []
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        created = user is None
        if created:
            regency = Region.objects.get(code=demo.regency_code) if demo.regency_code else None
            user = services.user_create(
                actor=None,
                username=demo.username,
                role=demo.role,
                regency=regency,
                first_name=demo.first_name,
                email=f"{demo.username}@demo.invalid",
                password=DEMO_PASSWORD,
            )
        if second_factor.required_for(user):
            TOTPDevice.objects.get_or_create(
                user=user,
                name=second_factor.TOTP_NAME,
                defaults={"confirmed": True, "key": DEMO_TOTP_KEY},
            )
        result.append((user, created))
    return result
