import getpass
import os
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from accounts import services
from accounts.models import User
from accounts.roles import REGENCY_ROLES, Role
from regions.models import Region


class Command(BaseCommand):
    help = (
        "Create a portal user. The password comes from the environment variable PMKS_PASSWORD "
        "or, when that is not set, from a prompt."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=", ".join(Role.values))
        parser.add_argument("--regency", help="Kemendagri code, e.g. 64.72 (regency roles only).")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, regency, email, **options):
        if role not in Role.values:
            raise CommandError(f"Unknown role {role!r}; choose one of: {', '.join(Role.values)}.")
        region = self._regency(role, regency)
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        password = self._password()
        try:
            user = services.user_create(
                actor=None,
                username=username,
                role=role,
                regency=region,
                email=email,
                password=password,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except IntegrityError:
            raise CommandError(f"A user named {username!r} already exists.") from None
        where = f" in {user.regency}" if user.regency else ""
        self.stdout.write(f"Created {user.username} ({user.get_role_display()}{where}).")

    def _regency(self, role: str, code: str | None):
        if role not in REGENCY_ROLES:
            if code:
                raise CommandError(f"Role {role} works for the whole province: drop --regency.")
            return None
        if not code:
            raise CommandError(f"Role {role} needs --regency CODE (for example 64.72).")
        region = Region.objects.regencies().filter(code=code.strip()).first()
        if region is None:
            raise CommandError(f"No regency or city has the code {code!r}; run load_regions first?")
        return region

    def _password(self) -> str:
        password = os.environ.get("PMKS_PASSWORD")
        if password:
            return password
        if not sys.stdin.isatty():
            raise CommandError("Set PMKS_PASSWORD, or run the command in a terminal to be asked.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
