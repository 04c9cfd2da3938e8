"""A province-wide file (#15): one upload by the provincial office, its rows routed to their
regency/city by the region code, each regency's share checked and saved as that regency's
batch (a part), all parts in one transaction.

The parts are ordinary batches of their regency: its staff see them, their rows are checked by
the same RowChecker against that regency's registry, and they are saved by committing.commit_part
as the office's work on the regency's behalf. Rows that name no regency/city of the province
(no code, a code of another province, the province alone) stay with the province-wide batch as
its own rejected rows; so does a row whose NIK another regency's row of the file already has,
which would otherwise become two persons with one NIK.
"""

import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from cases.importing.checking import (
    check_rows,
    file_rows,
    refuse_a_file_imported_before,
    refuse_rows_imported_before,
)
from cases.importing.committing import NothingToSave, commit_part
from cases.importing.errors import ImportFileError
from cases.importing.kept import KeptRows, RowsDigest, data_rows
from cases.importing.progress import reporter
from cases.importing.reference import load_reference
from cases.importing.rejected import JsonLines, derived_name, rejected_item, store_file
from cases.importing.rows import ERROR, RowChecker, RowResult
from cases.importing.tally import Tally, process_rows
from cases.importing.values import DOTTED_CODE, region_code
from cases.models import ImportBatch
from cases.nik import normalise_number
from regions.models import Level, Region

COUNT_FIELDS = ("total_rows", "valid_rows", "error_rows", "duplicate_rows", "committed_rows")


class Router:
    """Which regency/city a row belongs to, from its region code; the same NIK in two
    regencies' rows keeps the later row back with its reason."""

    def __init__(self, header, regencies: set[str]):
        self.region_at = header.columns.get("kode_wilayah")
        self.nik_at = header.columns.get("nik")
        self.regencies = regencies
        self.regency_of_nik: dict[str, str] = {}

    @staticmethod
    def _cell(cells: list, position: int | None):
        return cells[position] if position is not None and position < len(cells) else ""

    def route(self, cells: list) -> tuple[str | None, str]:
        """(regency code, "") for a routed row; (None, reason or "") for one kept back."""
        code = region_code(self._cell(cells, self.region_at))
        regency = ".".join(code.split(".")[:2]) if DOTTED_CODE.match(code) else ""
        if regency not in self.regencies:
            return None, ""  # the province's checker says what is wrong with the code
        nik = normalise_number(str(self._cell(cells, self.nik_at)).lstrip("'"))
        if len(nik) == 16 and nik.isdigit():
            first = self.regency_of_nik.setdefault(nik, regency)
            if first != regency:
                return None, _(
                    "A row of another regency/city in this file has this NIK: one person is "
                    "registered in one regency/city."
                )
        return regency, ""


class KeptBackChecker(RowChecker):
    """Checks the rows kept back at the province: each is rejected, with the checks' reasons
    and the router's (a row is never saved without a regency/city)."""

    def __init__(self, header, reference, reasons: dict[int, str]):
        super().__init__(header, reference)
        self.reasons = reasons

    def check_chunk(self, rows: list[tuple[int, list]]) -> list[RowResult]:
        results = super().check_chunk(rows)
        for row in results:
            # The province's checker sees every regency as "another": these rows are errors.
            row.other_regency = False
            reason = self.reasons.get(row.number)
            if reason:
                row.add_error("nik", reason)
            elif row.kind != ERROR:
                row.add_error(
                    "kode_wilayah",
                    _("The region code does not name a regency/city of the province."),
                )
        return results


def _drop_parts(batch: ImportBatch) -> None:
    """The parts of an earlier check (a check taken back from a dead worker, or checked again)."""
    for part in batch.parts.all():
        for name in part.summary.get("files", {}).values():
            if name and default_storage.exists(name):
                default_storage.delete(name)
        part.delete()


def check_province(batch: ImportBatch) -> None:
    """Reads the file once, routing its rows as they are read; checks each regency's share
    as a part, then the rows kept back."""
    refuse_a_file_imported_before(batch)
    _drop_parts(batch)
    here = Region.objects.get(code=settings.PMKS_PROVINCE_CODE)
    regencies = set(
        Region.objects.filter(level=Level.REGENCY, parent=here, is_active=True).values_list(
            "code", flat=True
        )
    )
    with tempfile.TemporaryDirectory() as directory:
        with file_rows(batch) as (header, delimiter, rows):
            whole, count = RowsDigest(), 0
            router = Router(header, regencies)
            shares: dict[str, KeptRows] = {}
            held = KeptRows(header, delimiter, Path(directory) / "held.jsonl")
            reasons: dict[int, str] = {}
            try:
                for number, cells in data_rows(rows):
                    whole.add(cells)
                    count += 1
                    code, reason = router.route(cells)
                    if code is None:
                        held.add(number, cells)
                        if reason:
                            reasons[number] = reason
                        continue
                    if code not in shares:
                        shares[code] = KeptRows(header, delimiter, Path(directory) / code)
                    shares[code].add(number, cells)
            finally:
                for kept in (held, *shares.values()):
                    kept.close()
        refuse_rows_imported_before(batch, whole.hexdigest())
        if count == 0:
            raise ImportFileError(_("The file has a header row but no data rows."))
        report = reporter(batch.pk, count, write_row=True)
        done = 0
        for code in sorted(shares):
            part = ImportBatch.objects.create(
                regency_id=code,
                parent=batch,
                uploaded_by_id=batch.uploaded_by_id,
                original_name=batch.original_name,
                file=batch.file.name,
                status=ImportBatch.Status.CHECKING,
                summary={
                    "format": batch.summary["format"],
                    "language": batch.summary.get("language"),
                },
            )
            check_rows(part, shares[code], on_progress=lambda n, done=done: report(done + n))
            done += shares[code].count
        held_name = derived_name(batch, "rejected.jsonl")
        held_tally, held_file = _check_held(held, reasons, here, held_name)
        _save_province(
            batch,
            {
                "delimiter": delimiter,
                "header": header.as_json(),
                "rows_sha256": whole.hexdigest(),
                "files": {"rejected": held_file},
            },
            count,
            held_tally,
        )


def _check_held(held: KeptRows, reasons: dict[int, str], here: Region, name: str):
    """The rows kept back, checked (each rejected, with its reasons) and stored as `name`."""
    with tempfile.TemporaryDirectory() as directory:
        rejected = JsonLines(directory, "rejected.jsonl")
        try:
            tally = process_rows(
                held.rows(),
                KeptBackChecker(held.header, load_reference(here), reasons),
                on_rejected=lambda row: rejected.write(rejected_item(row)),
            )
        finally:
            rejected.close()
        return tally, store_file(name, rejected.path)


def _parts_summary(batch: ImportBatch) -> tuple[list[dict], dict[str, int]]:
    parts, totals = [], dict.fromkeys(COUNT_FIELDS, 0)
    for part in batch.parts.select_related("regency").order_by("regency_id"):
        counts = part.summary.get("counts", {})
        parts.append(
            {
                "id": part.pk,
                "regency": part.regency_id,
                "name": part.regency.name,
                "total": part.total_rows,
                "valid": part.valid_rows,
                "errors": part.error_rows,
                "duplicates": part.duplicate_rows,
                "with_warnings": counts.get("with_warnings", 0),
                "committed": part.committed_rows,
            }
        )
        for name in COUNT_FIELDS:
            totals[name] += getattr(part, name)
    return parts, totals


def _save_province(batch: ImportBatch, read: dict, count: int, held: Tally) -> None:
    parts, totals = _parts_summary(batch)
    summary = dict(batch.summary)
    summary.update(
        {
            **read,
            "parts": parts,
            "held_rows": held.total,
            "problems": held.problems,
            "counts": {"with_warnings": sum(part["with_warnings"] for part in parts)},
            "checked_at": timezone.now().isoformat(),
        }
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.CHECKED,
        progress=100,
        total_rows=count,
        valid_rows=totals["valid_rows"],
        error_rows=totals["error_rows"] + held.errors + held.duplicates,
        duplicate_rows=totals["duplicate_rows"],
        summary=summary,
        failure="",
        finished_at=timezone.now(),
    )


def commit_province(batch: ImportBatch, actor, directory: str) -> list[tuple]:
    """Saves every part in the caller's transaction (the batch is locked): all or nothing.
    Returns (part, its rejected rows) for the caller to store once the transaction commits."""
    parts = list(
        ImportBatch.objects.select_for_update(of=("self",))
        .filter(parent=batch)
        .select_related("regency")
        .order_by("regency_id")
    )
    report = reporter(batch.pk, batch.total_rows, write_row=False)
    done, written, stored = 0, 0, []
    for part in parts:
        rejected = JsonLines(directory, f"rejected-{part.pk}.jsonl")
        try:
            tally = commit_part(
                part, actor, rejected, progress=lambda n, done=done: report(done + n)
            )
        finally:
            rejected.close()
        done += part.total_rows
        written += tally.written
        stored.append((part, rejected))
    if written == 0:
        raise NothingToSave
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=batch,
        changes={
            "cases": [None, written],
            "regencies": [None, [part.regency_id for part in parts if part.committed_rows]],
        },
        reason=_("Province-wide import of %(file)s") % {"file": batch.original_name},
    )
    part_list, totals = _parts_summary(batch)
    batch.summary = {
        **batch.summary,
        "parts": part_list,
        "counts": {"with_warnings": sum(part["with_warnings"] for part in part_list)},
        "committed_at": timezone.now().isoformat(),
    }
    batch.status, batch.progress = ImportBatch.Status.COMMITTED, 100
    batch.finished_at = timezone.now()
    batch.valid_rows, batch.committed_rows = totals["valid_rows"], totals["committed_rows"]
    batch.duplicate_rows = totals["duplicate_rows"]
    batch.error_rows = totals["error_rows"] + batch.summary.get("held_rows", 0)
    batch.save()
    return stored
