"""The access policies of KUBE's pages and the one way a page fetches a group."""

from kube.models import (
    Kube,
)
from pmks_portal import access
from pmks_portal.access import Capability

read_records = access.requires(Capability.READ_RECORDS)
write_records = access.requires(Capability.WRITE_RECORDS)
manage_reference = access.requires(Capability.MANAGE_REFERENCE)


def _kube(request, pk, *, write: bool = False) -> Kube:
    return access.get_object_for_user(Kube.objects.for_detail(), request.user, write=write, pk=pk)
