"""The public open-data page and its downloads (no sign-in), later the data-protection pages."""

import csv

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from pmks_portal import access
from privacy import opendata
from reports.summary import current_month


def _public_cache(response: HttpResponse) -> HttpResponse:
    # Aggregates only, the same for everyone: proxies may keep them until the next refresh.
    patch_cache_control(response, public=True, max_age=opendata.CACHE_SECONDS)
    return response


@access.public
@require_GET
def open_data(request):
    error = None
    try:
        period = opendata.period_for(request.GET.get("periode"))
    except ValidationError as invalid:
        error = invalid.messages[0]
        period = opendata.period_for(None)
    pub = opendata.publication(period)
    response = render(
        request,
        "privacy/open_data.html",
        {
            "pub": pub,
            "error": error,
            "months": opendata.recent_months(current_month()),
            "years": opendata.recent_years(current_month()),
            "cacheable_page": True,
            "dpo": settings.PMKS_DPO,
        },
        status=400 if error else 200,
    )
    return _public_cache(response)


def _csv(request, rows, name: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerows(rows)
    return _public_cache(response)


def _period_or_400(request):
    try:
        return opendata.period_for(request.GET.get("periode")), None
    except ValidationError as invalid:
        return None, HttpResponse(invalid.messages[0], status=400, content_type="text/plain")


@access.public
@require_GET
def open_data_csv(request):
    period, refused = _period_or_400(request)
    if refused:
        return refused
    pub = opendata.publication(period)
    return _csv(request, opendata.csv_rows(pub), f"pmks-kaltim-{period.code}.csv")


@access.public
@require_GET
def open_data_dictionary(request):
    period, refused = _period_or_400(request)
    if refused:
        return refused
    pub = opendata.publication(period)
    return _csv(request, opendata.dictionary_rows(pub), f"pmks-kaltim-{period.code}-kamus.csv")
