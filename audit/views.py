from django.conf import settings
from django.shortcuts import render

from audit.forms import RECORD_TYPES, AccessLogFilterForm
from audit.history import READ_ACTIONS
from audit.models import AuditEvent
from pmks_portal import access
from pmks_portal.access import Capability
from pmks_portal.pagination import chosen_page_size, keyset_page


@access.requires(Capability.MANAGE_PRIVACY)
def access_log(request):
    """Every logged read of a personal record, newest first, for the administrators who answer
    for the data's protection; a record's page links here with its type and number filled in."""
    form = AccessLogFilterForm(request.GET or None, province_code=settings.PMKS_PROVINCE_CODE)
    events = AuditEvent.objects.with_actor().select_related("regency")
    events = form.apply(events) if form.is_valid() else events.filter(action__in=READ_ACTIONS)
    page = keyset_page(
        events,
        field="at",
        descending=True,
        cursor=request.GET.get("after"),
        size=chosen_page_size(form),
    )
    record_types = dict(RECORD_TYPES)
    for event in page.rows:
        event.record_type_label = record_types.get(event.target_type, event.target_type)
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "audit/access_log.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
        },
    )
