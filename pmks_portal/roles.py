"""The roles a portal user can hold: in the kernel, so that access.py reads them without
importing the accounts app (which imports access)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    PROVINCIAL_OFFICER = "provincial_officer", _("Provincial officer")
    REGENCY_STAFF = "regency_staff", _("Regency/city staff")
    REGENCY_VIEWER = "regency_viewer", _("Regency/city viewer")


# Roles that belong to exactly one regency or city.
REGENCY_ROLES = frozenset({Role.REGENCY_STAFF, Role.REGENCY_VIEWER})
