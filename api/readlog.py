"""Every record the API returns goes to the read log as a page view does (UU PDP art. 31): one
audit event per request, listing the ids, so that a page of 100 cases is one row, not 100."""

from django.db import models

from api import limits
from audit.models import AuditEvent
from audit.services import audit_record
from pmks_portal import access


def served(request, model: type[models.Model], ids: list) -> None:
    """Logs what this request returned of `model` and counts it against the client's day."""
    if not ids:
        return
    user = request.user
    audit_record(
        actor=user,
        action=AuditEvent.Action.VIEW,
        target=_Many(model),
        changes={"ids": [str(pk) for pk in ids], "via": "api", "path": request.path},
        regency_id=access.regency_limit(user),
    )
    client = getattr(request, "api_client", None)
    if client is not None:
        limits.count_records(client.pk, len(ids))


class _Many:
    """The target of an event about several records of one type: target_id '*'."""

    pk = "*"

    def __init__(self, model):
        self._meta = model._meta
