"""DTSEN on other apps' pages, without their code importing this app: the person page's decile
and the dashboards' open-item counts are tags their templates load."""

from django import template

from dtsen import selectors
from pmks_portal import access

register = template.Library()


@register.inclusion_tag("dtsen/_decile.html", takes_context=True)
def dtsen_decile(context, person):
    """'Desil 3 (DTSEN triwulan III 2025)', or that the latest version does not hold the NIK."""
    found = selectors.decile_of(person, context["request"].user)
    return {
        "entry": found[0] if found else None,
        "extract": found[1] if found else selectors.latest_extract(),
        "has_nik": bool(person.nik),
    }


@register.inclusion_tag("dtsen/_open_counts.html", takes_context=True)
def dtsen_open_counts(context, regency_code=None):
    """The open worklist items of a dashboard's regency (none: all the user may see), and a
    link to them. A regency role never counts another regency's items."""
    user = context["request"].user
    limit = access.regency_limit(user)
    if regency_code is None or (limit is not None and limit != regency_code):
        counts = selectors.open_item_counts(user)
    else:
        counts = selectors.open_item_counts(regency_code)
    return {"counts": counts, "regency_code": regency_code if limit is None else None}
