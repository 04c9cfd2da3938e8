"""Small helpers for the dashboard templates: links into the case list, status labels."""

from datetime import date

from django import template
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import CaseStatus, Programme
from reports import clock
from reports.indicators import Status
from reports.maps.tiles import short_name

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
def short_region_name(code, name) -> str:
    """The name a regency goes by where room is short (Kukar, PPU; Samarinda for Kota
    Samarinda), as on the province map."""
    return short_name(code, name)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def wita(value) -> str:
    """A time in WITA, the zone named (reports.clock)."""
    return clock.wita(value)


FIGURE_LABELS = {
    "found": "Newly found",
    "in_handling": "In handling or referred",
    "resolved": "Resolved",
    "relapsed": "Relapsed",
    "closed": "Closed",
    "remaining": "Remaining",
    "status": "Status",
}


@register.filter
def change_text(change: dict) -> str:
    """One changed figure of a revised report: 'bebas-pasung: Remaining 37 → 36'."""
    label = _(FIGURE_LABELS.get(change["figure"], change["figure"]))
    if change["figure"] == "status":
        before, after = status_label(change["before"]), status_label(change["after"])
    else:
        before, after = change["before"], change["after"]
    return f"{change['target']}: {label} {before if before is not None else '–'} → {after}"


@register.filter
def reason_text(reason: dict) -> str:
    """Why a report was revised, as the registry tells it."""
    if reason["kind"] == "status":
        text = ngettext(
            "%(cases)s case %(status)s with the date %(date)s",
            "%(cases)s cases %(status)s with the date %(date)s",
            reason["cases"],
        ) % {
            "cases": reason["cases"],
            "status": CaseStatus(reason["status"]).label.lower(),
            "date": formats.date_format(date.fromisoformat(reason["effective_on"]), "j M Y"),
        }
        return text + (" " + _("(back-dated)") if reason["back_dated"] else "")
    if reason["kind"] == "registered_late":
        return ngettext(
            "%(cases)s case found by then but registered later (%(imported)s imported)",
            "%(cases)s cases found by then but registered later (%(imported)s imported)",
            reason["cases"],
        ) % {"cases": reason["cases"], "imported": reason["imported"]}
    return ngettext(
        "%(cases)s pasung record changed (release or re-shackling)",
        "%(cases)s pasung records changed (release or re-shackling)",
        reason["cases"],
    ) % {"cases": reason["cases"]}
