"""The roles live in the kernel (pmks_portal/roles.py); accounts and its callers import them here
as before."""

from pmks_portal.roles import REGENCY_ROLES, Role

__all__ = ["REGENCY_ROLES", "Role"]
