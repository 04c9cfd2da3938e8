"""Creating, revoking and authenticating API clients.

A token is `pmks_<prefix>_<secret>`: the prefix finds the client's row, the SHA-256 digest of
the whole token is compared in constant time. A random 256-bit secret needs no slow hash; the
token itself is shown once, to the administrator who created the client, and never kept.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.roles import Role
from api.models import ApiClient
from audit.models import AuditEvent
from audit.services import audit_record
from pmks_portal import access
from regions.models import Region

TOKEN_START = "pmks_"  # noqa: S105 - the visible start of every token, not a secret
# How often last_used_at is written: a busy client would otherwise write on every request.
LAST_USED_EVERY_SECONDS = 300


@dataclass
class IssuedClient:
    client: ApiClient
    token: str  # shown once


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _role_for(regency: Region | None, can_write: bool) -> str:
    # The service account's role is the least that covers the client's capabilities.
    if regency is None:
        return Role.PROVINCIAL_OFFICER
    return Role.REGENCY_STAFF if can_write else Role.REGENCY_VIEWER


@transaction.atomic
def api_client_create(
    *,
    actor,
    name: str,
    regency: Region | None,
    can_read: bool,
    can_write: bool,
    can_aggregate: bool,
    expires_at: datetime,
) -> IssuedClient:
    """A new client, its service account, and its token (returned once, stored as a digest)."""
    if not access.can(actor, access.Capability.MANAGE_USERS):
        raise PermissionDenied
    if expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    if not (can_read or can_write or can_aggregate):
        raise ValidationError(_("Give the client at least one capability."))
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    account = account_services.user_create(
        actor=actor,
        username=f"api-{prefix}",
        role=_role_for(regency, can_write),
        regency=regency,
        first_name=_("API"),
        last_name=slugify(name)[:100],
    )
    client = ApiClient(
        name=name.strip(),
        regency=regency,
        can_read=can_read or can_write,
        can_write=can_write,
        can_aggregate=can_aggregate,
        token_prefix=prefix,
        token_digest=_digest(token),
        expires_at=expires_at,
        account=account,
        created_by=actor,
    )
    client.full_clean()
    client.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=client,
        changes={
            "name": [None, client.name],
            "regency": [None, regency.code if regency else None],
            "capabilities": [None, sorted(client.capabilities)],
            "expires_at": [None, expires_at.isoformat()],
        },
        regency_id=client.regency_id,
    )
    return IssuedClient(client=client, token=token)


@transaction.atomic
def api_client_revoke(*, actor, client: ApiClient, reason: str = "") -> ApiClient:
    """Ends the client's access at once; its service account is deactivated too."""
    if not access.can(actor, access.Capability.MANAGE_USERS):
        raise PermissionDenied
    locked = ApiClient.objects.select_for_update().get(pk=client.pk)
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    locked.account.is_active = False
    locked.account.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DEACTIVATE,
        target=locked,
        reason=reason.strip(),
        regency_id=locked.regency_id,
    )
    return locked


def client_for_token(token: str) -> ApiClient | None:
    """The usable client this token belongs to, or None (unknown, wrong, expired, revoked)."""
    parts = token.removeprefix(TOKEN_START).split("_", 1)
    if not token.startswith(TOKEN_START) or len(parts) != 2:
        return None
    client = (
        ApiClient.objects.select_related("account__regency").filter(token_prefix=parts[0]).first()
    )
    if client is None or not hmac.compare_digest(client.token_digest, _digest(token)):
        return None
    now = timezone.now()
    if not client.is_usable(now):
        return None
    if client.last_used_at is None or (
        (now - client.last_used_at).total_seconds() > LAST_USED_EVERY_SECONDS
    ):
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client
