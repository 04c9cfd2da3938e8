"""What every endpoint shares: capability checks, form input, masking, keyset pages."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from api.errors import BadInput, form_errors
from pmks_portal import access, masking
from pmks_portal.access import Capability
from pmks_portal.pagination import COUNT_CAP, PAGE_SIZES, keyset_page


def require(request, capability: Capability) -> None:
    """403 unless the caller (person or client) has the capability, as access.requires does."""
    if not access.can(request.user, capability):
        raise PermissionDenied


def id_number(request, value: str | None) -> str | None:
    """A NIK or KK number as the caller may see it: in full, or masked as on the pages."""
    if not value:
        return value
    return masking.show_identifier(value, full=masking.may_see_full(request.user))


def form_data(values: dict) -> dict:
    """A schema's values as a Django form's data: dates as ISO text, None left out."""
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in values.items()
        if value is not None
    }


def valid_form(form):
    if not form.is_valid():
        raise BadInput(form_errors(form))
    return form


def own_regency(request, asked: str | None):
    """The regency a new record belongs to: the writer's own. Another one named is a 400."""
    regency = request.user.regency
    if asked is not None and asked != regency.code:
        raise BadInput({"regency": [_("This regency/city is outside your scope.")]})
    return regency


def page_of(
    queryset,
    *,
    field: str,
    descending: bool,
    after: str | None,
    size: int | None,
    count_cap: int = COUNT_CAP,
):
    """A keyset page as the list pages make it; at most the largest page a list page offers."""
    return keyset_page(
        queryset,
        field=field,
        descending=descending,
        cursor=after,
        size=min(size or PAGE_SIZES[0], PAGE_SIZES[-1]),
        count_cap=count_cap,
    )


def page_body(page, rows: list) -> dict:
    return {
        "results": rows,
        "next": page.next_cursor,
        "count": page.count,
        "count_capped": page.count_capped,
    }
