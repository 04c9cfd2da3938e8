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

from pmks_portal.roles import REGENCY_ROLES, Role

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
    # --- DTSEN (#15): loading the national register's extracts (province-wide files)
    IMPORT_DTSEN = "import_dtsen"
    # --- province-wide case import (#15): one file for the province, routed per regency
    IMPORT_PROVINCE = "import_province"


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

# --- DTSEN (#15): the province loads each DTSEN version (officers, or administrators for
# them); the worklist it gives is worked by the regency's staff (WRITE_RECORDS, in scope).
for _role in (Role.ADMIN, Role.PROVINCIAL_OFFICER):
    CAPABILITIES[_role] = CAPABILITIES[_role] | {Capability.IMPORT_DTSEN}

# --- province-wide import (#15): the provincial office receives one file for the province and
# imports it on the regencies' behalf, each row as a case of its regency. This is the office's
# only write to cases: it edits no case, and administrators (who never edit cases) import none.
CAPABILITIES[Role.PROVINCIAL_OFFICER] = CAPABILITIES[Role.PROVINCIAL_OFFICER] | {
    Capability.IMPORT_PROVINCE
}


def _is_usable_account(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    # A regency role without a regency sees and does nothing.
    return not (user.role in REGENCY_ROLES and user.regency_id is None)


def can(user, capability: Capability) -> bool:
    """Whether the user's role grants the capability."""
    if not _is_usable_account(user):
        return False
    granted = capability in CAPABILITIES.get(user.role, frozenset())
    return granted and api_client_allows(user, capability)


# --- API clients (api/) ---------------------------------------------------------------------
# An API client acts as its service account, whose role and regency match the client's scope;
# the client's own capabilities (read / write / aggregates) then narrow what that role grants.
# The API's authentication marks the account with them (API_CLIENT_ATTRIBUTE) per request.
API_CAPABILITIES: dict[str, frozenset[Capability]] = {
    "read": frozenset({Capability.READ_RECORDS}),
    # Writers register persons, so they see the NIK in full as the regency's staff do.
    "write": frozenset({Capability.WRITE_RECORDS, Capability.SEE_FULL_IDS}),
    "aggregates": frozenset({Capability.VIEW_PROVINCE_DASHBOARD}),
}
API_CLIENT_ATTRIBUTE = "api_client_capabilities"
# The policy of the API's URLs: the API authenticates (token or session) and every operation
# checks its capability through can(); anonymous callers get a 401, not the sign-in page.
API_POLICY = "api"


def api_client_allows(user, capability: Capability) -> bool:
    """True for a person; for an API client, whether its capabilities include this one."""
    names = getattr(user, API_CLIENT_ATTRIBUTE, None)
    if names is None:
        return True
    return any(capability in API_CAPABILITIES[name] for name in names)


def api_aggregates_allowed(user) -> bool:
    """Aggregates need the client's `aggregates` capability; a person needs to read records."""
    if getattr(user, API_CLIENT_ATTRIBUTE, None) is None:
        return can(user, Capability.READ_RECORDS)
    return _is_usable_account(user) and "aggregates" in getattr(user, API_CLIENT_ATTRIBUTE)


def api_endpoint(view: Callable) -> Callable:
    """Marks an API URL: authenticated and authorised by the API itself (see API_POLICY)."""
    return _mark(login_not_required(view), API_POLICY)


# ---------------------------------------------------------------------------------------------


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


def can_import_into(user, regency_code: str | None) -> bool:
    """Whether the user may import cases into this regency (None: a province-wide file): the
    regency's own staff, or the provincial office for any regency of the province."""
    if can(user, Capability.IMPORT_PROVINCE):
        return True
    return regency_code is not None and can_write_record(user, regency_code)


# --- Services' checks: one helper, and the rules that are not a single capability ------------


def require(allowed: bool) -> None:
    """The services' one write check: PermissionDenied unless a rule of this module allowed it.

    Services call it with `can_write_record(actor, code)`, `can(actor, capability)`,
    `obj.writable_by(actor)` or `may_request_report(...)`, so commands and tasks that call them
    are held to the same rules as the pages.
    """
    if not allowed:
        raise PermissionDenied


def may_request_report(user, regency_code: str | None) -> bool:
    """Who may ask for (or build again) a report run. The province roll-up: whoever sees the
    province dashboard. A regency's report: whoever reads the whole province, or the regency's
    own staff; a regency viewer reads the reports but cannot ask for one (read-only)."""
    if regency_code is None:
        return can(user, Capability.VIEW_PROVINCE_DASHBOARD)
    if not can(user, Capability.READ_RECORDS):
        return False
    limit = regency_limit(user)
    if limit is None:
        return True
    return limit == regency_code and can(user, Capability.WRITE_RECORDS)


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
