"""What both report files print alike: numbers, dates, times (WITA), labels, titles."""

from datetime import date

from django.utils import formats
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from cases.models import Programme
from reports import clock
from reports.indicators import Status


def _n(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return formats.number_format(value, 1, force_grouping=True)
    return formats.number_format(value, force_grouping=True)


def _d(value: str | None) -> str:
    if not value:
        return "–"
    if len(value) == 7:  # a month
        return formats.date_format(date.fromisoformat(value + "-01"), "M Y")
    return formats.date_format(parse_date(value), "j M Y")


def _dt(value: str | None) -> str:
    """A time in WITA, the zone named (the server may keep another TIME_ZONE)."""
    return clock.wita(value) if value else "–"


def _timeliness(content: dict) -> list[dict]:
    return content.get("timeliness", {}).get("rows", [])


def timeliness_title(content: dict) -> str:
    return _("Timeliness: cases registered in %(month)s, days from found to registered") % {
        "month": _d(content["timeliness"]["month"])
    }


def timeliness_header() -> list[str]:
    return [
        _("Regency/city"),
        _("Cases registered"),
        _("Median days from found to registered"),
        _("Registered within 7 days (%)"),
    ]


def timeliness_cells(row: dict, show) -> list:
    return [
        row["name"] or _("Province"),
        show(row["registered"]),
        show(row["median_days"]),
        show(row["within_percent"]),
    ]


def status_label(code: str) -> str:
    return str(Status(code).label)


def programme_label(code: str) -> str:
    return str(Programme(code).label) if code in Programme.values else code


def scope_label(content: dict) -> str:
    return content["scope"]["name"] or _("Province of East Kalimantan (roll-up)")


def title(content: dict, period_label: str) -> str:
    return _("PMKS report: %(scope)s, %(period)s") % {
        "scope": scope_label(content),
        "period": period_label,
    }
