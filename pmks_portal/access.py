"""Who may see and do what: the one place where access rules are written. Deny by default.

Three layers, all decided here:

* capabilities: what a role may do at all (`can`);
* scope: which rows a user may see (`scope_records`, `scope_regions`): a regency role sees its
  own regency only, the province sees everything, anyone else sees nothing;
* view policies: every view declares one (`public`, `authenticated`, `requires`); the
  `AccessPolicyMiddleware` refuses any view that declares none.

Views fetch single objects with `get_object_for_user`: out of scope is a 404 (the record's
existence is not revealed), in scope without the right to write is a 403.
"""

import logging
from collections.abc import Callable
from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from accounts.roles import REGENCY_ROLES, Role

logger = logging.getLogger("pmks.access")

POLICY_ATTRIBUTE = "access_policy"


class Capability(StrEnum):
    MANAGE_USERS = "manage_users"
    MANAGE_REGIONS = "manage_regions"
    MANAGE_REFERENCE = "manage_reference"
    READ_RECORDS = "read_records"
    WRITE_RECORDS = "write_records"
    SEE_FULL_IDS = "see_full_ids"
    MANAGE_MEETINGS = "manage_meetings"
    VIEW_PROVINCE_DASHBOARD = "view_province_dashboard"
    MERGE_PERSONS = "merge_persons"
    # --- privacy (#17): personal-data duties (UU 27/2022)
    MANAGE_PRIVACY = "manage_privacy"
    HANDLE_SUBJECT_REQUESTS = "handle_subject_requests"


CAPABILITIES: dict[str, frozenset[Capability]] = {
    # Administrators read records (masked) only to merge duplicate persons; they never edit cases.
    Role.ADMIN: frozenset(
        {
            Capability.MANAGE_USERS,
            Capability.MANAGE_REGIONS,
            Capability.MANAGE_REFERENCE,
            Capability.READ_RECORDS,
            Capability.MERGE_PERSONS,
        }
    ),
    # The provincial office runs the Rakornis and watches the whole province.
    Role.PROVINCIAL_OFFICER: frozenset(
        {
            Capability.READ_RECORDS,
            Capability.MANAGE_MEETINGS,
            Capability.VIEW_PROVINCE_DASHBOARD,
        }
    ),
    # Only the staff who register and verify people need NIK and KK numbers in full.
    Role.REGENCY_STAFF: frozenset(
        {Capability.READ_RECORDS, Capability.WRITE_RECORDS, Capability.SEE_FULL_IDS}
    ),
    Role.REGENCY_VIEWER: frozenset({Capability.READ_RECORDS}),
}

# --- privacy (#17): the data protection duties. Administrators keep the register, breaches,
# retention and legal holds; subject access requests are answered by an administrator or by
# the staff of the person's regency (who know the person and register them).
for _role, _extra in {
    Role.ADMIN: {Capability.MANAGE_PRIVACY, Capability.HANDLE_SUBJECT_REQUESTS},
    Role.REGENCY_STAFF: {Capability.HANDLE_SUBJECT_REQUESTS},
}.items():
    CAPABILITIES[_role] = CAPABILITIES[_role] | _extra


def _is_usable_account(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    # A regency role without a regency sees and does nothing.
    return not (user.role in REGENCY_ROLES and user.regency_id is None)


def can(user, capability: Capability) -> bool:
    """Whether the user's role grants the capability."""
    if not _is_usable_account(user):
        return False
    return capability in CAPABILITIES.get(user.role, frozenset())


def regency_limit(user) -> str | None:
    """The regency code a user is confined to, or None when the user sees the whole province."""
    return user.regency_id if user.role in REGENCY_ROLES else None


def scope_records(queryset: models.QuerySet, user, regency_field: str) -> models.QuerySet:
    """The rows of a regency-owned record type that the user may read."""
    if not can(user, Capability.READ_RECORDS):
        return queryset.none()
    regency = regency_limit(user)
    if regency is None:
        return queryset
    return queryset.filter(**{f"{regency_field}_id": regency})


def scope_regions(queryset: models.QuerySet, user) -> models.QuerySet:
    """Regions a user may open: all for admins and the province, one subtree for a regency."""
    if can(user, Capability.MANAGE_REGIONS):
        return queryset
    if not can(user, Capability.READ_RECORDS):
        return queryset.none()
    regency = regency_limit(user)
    if regency is None:
        return queryset
    return queryset.filter(models.Q(code=regency) | models.Q(code__startswith=f"{regency}."))


def can_write_record(user, regency_code: str) -> bool:
    """Whether the user may create or change a record owned by this regency."""
    return can(user, Capability.WRITE_RECORDS) and user.regency_id == regency_code


def can_handle_subject_request(user, regency_code: str) -> bool:
    """Whether the user may answer a subject's request about a person of this regency."""
    if not can(user, Capability.HANDLE_SUBJECT_REQUESTS):
        return False
    regency = regency_limit(user)
    return regency is None or regency == regency_code


def get_object_for_user(queryset: models.QuerySet, user, *, write: bool = False, **lookup):
    """One object through the scope: 404 when out of scope, 403 when it may not be changed.

    `queryset` must offer `visible_to(user)`; its model answers `writable_by(user)`.
    """
    try:
        obj = queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist:
        logger.info(
            "authz_denied_or_missing user=%s model=%s lookup=%s",
            getattr(user, "pk", None),
            queryset.model._meta.label,
            sorted(lookup),
        )
        raise Http404 from None
    if write and not obj.writable_by(user):
        logger.info("authz_write_denied user=%s object=%s", user.pk, obj.pk)
        raise PermissionDenied
    return obj


def _mark(view: Callable, policy: str) -> Callable:
    setattr(view, POLICY_ATTRIBUTE, policy)
    return view


def public(view: Callable) -> Callable:
    """Open to anyone, signed in or not (login, password reset, health, language)."""
    return _mark(login_not_required(view), "public")


def authenticated(view: Callable) -> Callable:
    """Open to any signed-in, active user; the view shows only what scope allows."""
    return _mark(view, "authenticated")


def requires(capability: Capability) -> Callable[[Callable], Callable]:
    """Open to signed-in users whose role grants the capability; anyone else gets a 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not can(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return _mark(guarded, f"requires:{capability}")

    return decorator


def policy_of(view: Callable) -> str | None:
    return getattr(view, POLICY_ATTRIBUTE, None)
