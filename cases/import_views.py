"""The case import pages: upload, check and preview, commit, rejected rows, the template.

Regency staff (WRITE_RECORDS) import into their own regency; a batch of another regency is a
404, fetched through the access layer like every record. The provincial office
(IMPORT_PROVINCE) uploads a province-wide file on its own pages (province_*), whose rows are
routed to each regency as a part: a batch of that regency, which its staff see but do not save.
"""

import io
import tempfile

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from audit.services import audit_record
from cases import importing
from cases.models import CaseStatus, ImportBatch
from pmks_portal import access, service_errors
from pmks_portal.access import Capability

write_records = access.requires(Capability.WRITE_RECORDS)
import_province = access.requires(Capability.IMPORT_PROVINCE)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUNNING = (ImportBatch.Status.UPLOADED, ImportBatch.Status.CHECKING, ImportBatch.Status.COMMITTING)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (CSV or XLSX)"),
        help_text=gettext_lazy(
            "At most 20 MB. The first row names the columns, as in the template."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )


class ImportCommitForm(forms.Form):
    warnings_confirmed = forms.BooleanField(
        required=False,
        label=gettext_lazy("I have read the warnings; save these rows as they are."),
    )


def _batch(request, pk, *, write: bool = False, province_wide: bool = False) -> ImportBatch:
    # A province-wide batch has its own pages, a regency's batch these: the other is a 404.
    return access.get_object_for_user(
        ImportBatch.objects.select_related("regency", "uploaded_by").filter(
            regency__isnull=province_wide
        ),
        request.user,
        write=write,
        pk=pk,
    )


def _upload(request, regency, detail: str, template: str, context: dict):
    """The upload form of a regency's or the province's import, and its recent imports."""
    try:
        if request.method == "POST":
            importing.check_request_size(request.META)
    except importing.ImportFileError as error:
        messages.error(request, str(error))
        form = ImportUploadForm()  # the body is never read
    else:
        form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = importing.import_batch_create(
                actor=request.user, regency=regency, upload=upload, name=upload.name
            )
        except importing.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, _("File received; it is being checked."))
            return redirect(detail, pk=batch.pk)
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "columns": importing.COLUMNS,
            "required": importing.REQUIRED_COLUMNS,
            "max_rows": importing.MAX_ROWS,
        },
    )


def _progress(batch: ImportBatch) -> JsonResponse:
    """The batch's status as JSON, for static/js/import.js."""
    return JsonResponse(
        {
            "status": batch.status,
            "label": batch.get_status_display(),
            "progress": importing.current_progress(batch),
            "running": batch.status in RUNNING,
        }
    )


def _commit(request, batch: ImportBatch, detail: str):
    form = ImportCommitForm(request.POST)
    confirmed = form.is_valid() and form.cleaned_data["warnings_confirmed"]
    try:
        importing.import_batch_commit_request(
            actor=request.user, batch=batch, warnings_confirmed=confirmed
        )
    except ValidationError as error:
        service_errors.add_message(request, error)
    else:
        messages.success(request, _("The valid rows are being saved."))
    return redirect(detail, pk=batch.pk)


def _recheck(request, batch: ImportBatch, detail: str):
    try:
        importing.import_batch_recheck(actor=request.user, batch=batch)
    except ValidationError as error:
        service_errors.add_message(request, error)
    else:
        messages.success(request, _("The file is being checked again."))
    return redirect(detail, pk=batch.pk)


@write_records
def import_upload(request):
    """The upload form, and the regency's recent imports."""
    batches = ImportBatch.objects.visible_to(request.user).select_related("uploaded_by")[:20]
    return _upload(
        request,
        request.user.regency,
        "cases:import-detail",
        "cases/import_upload.html",
        {"batches": batches},
    )


@write_records
def import_detail(request, pk):
    """Where a batch stands: progress, or the preview with its counts, problems and warnings."""
    batch = _batch(request, pk)
    summary = batch.summary or {}
    header = summary.get("header") or {}
    preview = [
        {**row, "status_label": CaseStatus(row["status"]).label}
        for row in summary.get("preview", [])
    ]
    return render(
        request,
        "cases/import_detail.html",
        {
            "batch": batch,
            "running": batch.status in RUNNING,
            "progress": importing.current_progress(batch),
            "counts": summary.get("counts", {}),
            "problems": summary.get("problems", []),
            "warnings": summary.get("warnings", []),
            "preview": preview,
            "ignored": header.get("ignored", []),
            "changed_since_check": summary.get("changed_since_check", 0),
            "rejected": batch.error_rows + batch.duplicate_rows,
            "sample_size": importing.SAMPLE_ROWS,
            "can_commit": not batch.parent_id
            and batch.status == ImportBatch.Status.CHECKED
            and batch.valid_rows > 0,
            "can_recheck": not batch.parent_id
            and batch.status in (ImportBatch.Status.CHECKED, ImportBatch.Status.FAILED),
            "commit_form": ImportCommitForm(),
        },
    )


@write_records
def import_progress(request, pk):
    return _progress(_batch(request, pk))


@write_records
@require_POST
def import_commit(request, pk):
    return _commit(request, _batch(request, pk, write=True), "cases:import-detail")


@write_records
@require_POST
def import_recheck(request, pk):
    return _recheck(request, _batch(request, pk, write=True), "cases:import-detail")


# --- the province-wide import (#15) ---------------------------------------------------------


@import_province
def province_import_upload(request):
    """The provincial office's upload of a file for the whole province, and its recent ones."""
    batches = (
        ImportBatch.objects.visible_to(request.user)
        .filter(regency__isnull=True)
        .select_related("uploaded_by")[:20]
    )
    return _upload(
        request,
        None,
        "cases:province-import-detail",
        "cases/province_import_upload.html",
        {"batches": batches},
    )


@import_province
def province_import_detail(request, pk):
    """A province-wide file: its progress, then its regencies' shares with their counts and
    rejected rows, and the rows that name no regency/city of the province."""
    batch = _batch(request, pk, province_wide=True)
    summary = batch.summary or {}
    parts = list(batch.parts.select_related("regency").order_by("regency_id"))
    return render(
        request,
        "cases/province_import_detail.html",
        {
            "batch": batch,
            "running": batch.status in RUNNING,
            "progress": importing.current_progress(batch),
            "parts": parts,
            "problems": summary.get("problems", []),
            "held_rows": summary.get("held_rows", 0),
            "with_warnings": summary.get("counts", {}).get("with_warnings", 0),
            "sample_size": importing.SAMPLE_ROWS,
            "can_commit": batch.status == ImportBatch.Status.CHECKED and batch.valid_rows > 0,
            "can_recheck": batch.status in (ImportBatch.Status.CHECKED, ImportBatch.Status.FAILED),
            "commit_form": ImportCommitForm(),
        },
    )


@import_province
def province_import_progress(request, pk):
    return _progress(_batch(request, pk, province_wide=True))


@import_province
@require_POST
def province_import_commit(request, pk):
    batch = _batch(request, pk, write=True, province_wide=True)
    return _commit(request, batch, "cases:province-import-detail")


@import_province
@require_POST
def province_import_recheck(request, pk):
    batch = _batch(request, pk, write=True, province_wide=True)
    return _recheck(request, batch, "cases:province-import-detail")


def _log_download(request, batch: ImportBatch, fmt: str, rejected: int) -> None:
    # The rejected rows hold the file's personal data as uploaded: every download is logged.
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        target=batch,
        changes={"rejected_rows": [None, rejected], "format": [None, fmt]},
        regency_id=batch.regency_id,
    )


def _rejected_csv(request, batch: ImportBatch, detail: str, rejected: int):
    """The batch's rejected rows as CSV: original values, source row number, reasons."""
    if "header" not in (batch.summary or {}):
        return redirect(detail, pk=batch.pk)
    _log_download(request, batch, "csv", rejected)
    response = StreamingHttpResponse(
        importing.rejected_csv_lines(batch), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="ditolak-{batch.pk}.csv"'
    return response


@write_records
def import_errors(request, pk):
    batch = _batch(request, pk)
    rejected = batch.error_rows + batch.duplicate_rows
    return _rejected_csv(request, batch, "cases:import-detail", rejected)


@import_province
def province_import_errors(request, pk):
    """The rows of a province-wide file that name no regency/city of the province (each
    regency's rejected rows are its part's, downloaded by its staff)."""
    batch = _batch(request, pk, province_wide=True)
    held = (batch.summary or {}).get("held_rows", 0)
    return _rejected_csv(request, batch, "cases:province-import-detail", held)


@write_records
def import_errors_xlsx(request, pk):
    """The rejected rows as XLSX: failing cells shaded, the reason in a comment."""
    batch = _batch(request, pk)
    if "header" not in (batch.summary or {}):
        return redirect("cases:import-detail", pk=batch.pk)
    _log_download(request, batch, "xlsx", batch.error_rows + batch.duplicate_rows)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    importing.write_rejected_xlsx(batch, handle)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"ditolak-{batch.pk}.xlsx", content_type=XLSX_TYPE
    )


@write_records
def import_template(request):
    """The XLSX template for the user's regency: headers, an example row, code lists."""
    buffer = io.BytesIO()
    importing.template_workbook(request.user.regency, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="templat-impor-kasus.xlsx"'
    return response
