"""DTSEN pages: the worklist and its items (regency staff work their own), the proposals file,
and the extracts (province officers and administrators upload them). Thin: each view fetches
through the access layer and calls one service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.history import history_of
from audit.records import EditConflict
from audit.services import audit_export
from cases.importing.errors import ImportFileError
from dtsen import loading, selectors, services
from dtsen.exports import proposals_response
from dtsen.forms import ExtractUploadForm, ItemFilterForm, ItemUpdateForm
from dtsen.models import Extract, ItemKind, WorklistItem
from pmks_portal import access
from pmks_portal.access import Capability
from pmks_portal.pagination import chosen_page_size, keyset_page
from pmks_portal.service_errors import add_to_form

read_records = access.requires(Capability.READ_RECORDS)
write_records = access.requires(Capability.WRITE_RECORDS)
import_dtsen = access.requires(Capability.IMPORT_DTSEN)


def _filtered(request):
    form = ItemFilterForm(request.GET or None, user=request.user)
    items = form.apply(selectors.current_items().visible_to(request.user))
    return form, items


@read_records
@require_GET
def worklist(request):
    form, items = _filtered(request)
    page = keyset_page(
        items.for_list(),
        field="created_at",
        descending=False,
        cursor=request.GET.get("after"),
        size=chosen_page_size(form),
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "dtsen/worklist.html",
        {
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "extract": selectors.latest_extract(),
            "counts": selectors.open_item_counts(request.user),
            "kinds": ItemKind,
            "can_import": access.can(request.user, Capability.IMPORT_DTSEN),
        },
    )


@read_records
@require_GET
def proposals(request):
    """Finding (a) of the filtered list, in the musdes/muskel layout; logged without names."""
    form, items = _filtered(request)
    items = items.filter(kind=ItemKind.NOT_IN_DTSEN)
    audit_export(
        actor=request.user,
        label="dtsen.worklistitem",
        params={key: value for key, value in request.GET.items() if key != "after"},
        row_count=items.count(),
        regency_id=access.regency_limit(request.user),
    )
    return proposals_response(items, request.user)


def _item_page(request, item, form=None):
    can_write = item.writable_by(request.user)
    if can_write and form is None:
        form = ItemUpdateForm(
            item=item,
            initial={
                "status": item.status,
                "owner": item.owner_id,
                "reason": item.reason,
                "version": item.version,
            },
        )
    return render(
        request,
        "dtsen/item_detail.html",
        {
            "item": item,
            "form": form if can_write else None,
            "history": history_of(item),
        },
    )


def _item(request, pk, *, write=False) -> WorklistItem:
    return access.get_object_for_user(
        WorklistItem.objects.for_list().select_related("entry"), request.user, write=write, pk=pk
    )


@read_records
@require_GET
def item_detail(request, pk):
    return _item_page(request, _item(request, pk))


@write_records
@require_POST
def item_update(request, pk):
    item = _item(request, pk, write=True)
    form = ItemUpdateForm(request.POST, item=item)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.worklist_item_update(
                actor=request.user,
                item=item,
                version=data["version"],
                status=data["status"],
                owner=data["owner"],
                reason=data["reason"],
            )
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
            conflict.offer_current_version(form)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The item was saved."))
            return redirect("dtsen:item", pk=item.pk)
    return _item_page(request, item, form)


@import_dtsen
@require_http_methods(["GET", "POST"])
def extract_list(request):
    form = ExtractUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            extract = services.extract_create(
                actor=request.user, upload=data["file"], year=data["year"], quarter=data["quarter"]
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        except ValidationError as error:
            add_to_form(form, error)
        else:
            return redirect("dtsen:extract", pk=extract.pk)
    extracts = Extract.objects.visible_to(request.user).select_related("uploaded_by")[:40]
    return render(request, "dtsen/extract_list.html", {"form": form, "extracts": extracts})


def _extract(request, pk) -> Extract:
    return access.get_object_for_user(Extract.objects.all(), request.user, pk=pk)


@import_dtsen
@require_GET
def extract_detail(request, pk):
    extract = _extract(request, pk)
    running = extract.status in (Extract.Status.WAITING, Extract.Status.LOADING)
    return render(
        request,
        "dtsen/extract_detail.html",
        {
            "extract": extract,
            "running": running,
            "progress": loading.current_progress(extract),
            "counts": [(kind.label, extract.item_counts.get(kind.value, 0)) for kind in ItemKind],
        },
    )


@import_dtsen
@require_GET
def extract_progress(request, pk):
    """The extract's status as JSON, for static/js/import.js (the case import's follower)."""
    extract = _extract(request, pk)
    return JsonResponse(
        {
            "status": extract.status,
            "label": extract.get_status_display(),
            "progress": loading.current_progress(extract),
            "running": extract.status in (Extract.Status.WAITING, Extract.Status.LOADING),
        }
    )
