"""CSV and XLSX exports of exactly the cases a list shows, within the user's scope."""

import csv
from collections.abc import Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

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


class _Echo:
    def write(self, value):
        return value


def _filename(extension: str) -> str:
    return f"kasus-pmks-{timezone.localdate().isoformat()}.{extension}"


def csv_response(cases, *, full_ids: bool) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so that Excel opens the file as UTF-8
        yield writer.writerow(columns())
        for row in rows(cases, full_ids=full_ids):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def xlsx_response(cases, *, full_ids: bool) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Cases"))
    sheet.append(columns())
    for row in rows(cases, full_ids=full_ids):
        sheet.append(row)
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    workbook.save(response)
    return response
