"""CSV and XLSX exports of exactly the cases a list shows, within the user's scope; written,
with formula escaping, by pmks_portal/spreadsheets.py."""

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from pmks_portal import spreadsheets
from pmks_portal.masking import show_identifier

CHUNK = 2000


def columns() -> list[str]:
    return [
        _("Case number"),
        _("Name"),
        "NIK",
        _("KK number"),
        _("Sex"),
        _("Date of birth"),
        _("Category code"),
        _("Category"),
        _("Target programme"),
        _("Status"),
        _("Regency/city"),
        _("District"),
        _("Village"),
        _("Found on"),
        _("Registered on"),
        _("Source"),
    ]


def rows(cases, *, full_ids: bool) -> Iterator[list]:
    for case in cases.iterator(chunk_size=CHUNK):
        person = case.person
        yield [
            case.pk,
            person.name,
            show_identifier(person.nik, full=full_ids),
            show_identifier(person.kk_number, full=full_ids),
            person.sex,
            person.birth_date.isoformat() if person.birth_date else "",
            case.category.code,
            case.category.name,
            case.get_programme_display(),
            case.get_status_display(),
            case.regency.name,
            case.district.name if case.district else "",
            case.village.name if case.village else "",
            case.found_on.isoformat(),
            case.registered_on.isoformat(),
            case.get_source_display(),
        ]


def _filename(extension: str) -> str:
    return f"kasus-pmks-{timezone.localdate().isoformat()}.{extension}"


def csv_response(cases, *, full_ids: bool):
    return spreadsheets.csv_response(_filename("csv"), columns(), rows(cases, full_ids=full_ids))


def xlsx_response(cases, *, full_ids: bool):
    return spreadsheets.table_response(
        _filename("xlsx"), _("Cases"), columns(), rows(cases, full_ids=full_ids)
    )
