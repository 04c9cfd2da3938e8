"""Small helpers for the dashboard templates: links into the case list, status labels."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from cases.models import Programme
from reports.indicators import Status

register = template.Library()


@register.simple_tag
def case_list_url(regency=None, district=None, programme=None):
    """The case list filtered as a dashboard figure was counted: still open against a target
    when a programme is given."""
    query = {}
    if regency:
        query["regency"] = regency
    if district:
        query["district"] = district
    if programme:
        query["programme"] = programme
        query["open_against_target"] = "on"
    return reverse("cases:list") + ("?" + urlencode(query) if query else "")


@register.filter
def status_label(status) -> str:
    return str(Status(status).label) if status in Status.values else ""


@register.filter
def programme_label(code) -> str:
    return str(Programme(code).label) if code in Programme.values else ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
