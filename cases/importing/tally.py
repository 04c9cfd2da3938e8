"""Going through a file: its rows checked chunk by chunk (process_rows), and what was found
counted, with samples for the preview page (Tally)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.importing.errors import ImportFileError
from cases.importing.header import Header, column_label
from cases.importing.kept import MAX_ROWS, is_blank
from cases.importing.rows import DUPLICATE, ERROR, OTHER_REGENCY, VALID, RowChecker, RowResult
from pmks_portal.masking import mask_if_identifier

# Rows validated and written together: one NIK query and one insert per table per chunk.
CHUNK_ROWS = 2000
# How many problem rows, warnings and valid rows the preview page shows.
SAMPLE_ROWS = 100
PREVIEW_VALID_ROWS = 10


@dataclass
class Tally:
    """What a check or a commit found: counts, and samples for the preview page."""

    total: int = 0
    valid: int = 0
    errors: int = 0
    duplicates: int = 0
    other_regency: int = 0  # rows of other regencies/cities: neither imported nor problems
    with_warnings: int = 0
    without_nik: int = 0
    new_persons: int = 0
    existing_persons: int = 0
    written: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return self.errors + self.duplicates

    def add(self, row: RowResult, header: Header) -> None:
        kind = row.kind
        if kind == OTHER_REGENCY:
            self.other_regency += 1
            return
        if kind == ERROR:
            self.errors += 1
        elif kind == DUPLICATE:
            self.duplicates += 1
        if kind != VALID:
            if len(self.problems) < SAMPLE_ROWS:
                self.problems.append(_problem(row, header))
            return
        self.valid += 1
        code = row.category.code
        self.by_category[code] = self.by_category.get(code, 0) + 1
        if not row.nik:
            self.without_nik += 1
        if row.same_person_as is None:
            if row.person_id is None:
                self.new_persons += 1
            else:
                self.existing_persons += 1
        if row.warnings:
            self.with_warnings += 1
            if len(self.warnings) < SAMPLE_ROWS:
                self.warnings.append({"row": row.number, "messages": row.warnings})
        if len(self.preview) < PREVIEW_VALID_ROWS:
            self.preview.append(
                {
                    "row": row.number,
                    "name": row.name,
                    "nik": mask_if_identifier(row.nik),
                    "sex": row.sex,
                    "birth_date": row.birth_date.isoformat() if row.birth_date else "",
                    "category": code,
                    "region": f"{row.region.code} {row.region.name}",
                    "status": row.status,
                    "person": (
                        "existing"
                        if row.person_id
                        else "same_as_row"
                        if row.same_person_as
                        else "new"
                    ),
                }
            )

    def counts(self) -> dict:
        return {
            "total": self.total,
            "valid": self.valid,
            "errors": self.errors,
            "duplicates": self.duplicates,
            "other_regency": self.other_regency,
            "with_warnings": self.with_warnings,
            "without_nik": self.without_nik,
            "new_persons": self.new_persons,
            "existing_persons": self.existing_persons,
            "by_category": dict(sorted(self.by_category.items())),
        }


def _problem(row: RowResult, header: Header) -> dict:
    reasons = []
    for column, message in row.reasons():
        position = header.columns.get(column)
        value = row.cells[position] if position is not None and position < len(row.cells) else ""
        reasons.append(
            {
                "column": column_label(header, column) if column else "",
                "value": mask_if_identifier(str(value).strip()),
                "message": message,
            }
        )
    return {"row": row.number, "kind": row.kind, "reasons": reasons}


def process_rows(
    rows: Iterable[tuple[int, list]],
    checker: RowChecker,
    *,
    on_rejected: Callable[[RowResult], None],
    on_valid: Callable[[list[RowResult]], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    keep: Callable[[int, list], None] | None = None,
) -> Tally:
    """Checks every non-blank row, chunk by chunk; valid rows go to `on_valid` (the writer)."""
    tally = Tally()
    chunk: list[tuple[int, list]] = []

    def flush():
        results = checker.check_chunk(chunk)
        valid = []
        for row in results:
            tally.add(row, checker.header)
            if row.kind == VALID:
                valid.append(row)
            elif row.kind != OTHER_REGENCY:
                on_rejected(row)
        if on_valid is not None and valid:
            on_valid(valid)
            tally.written += len(valid)
        chunk.clear()
        if on_progress is not None:
            on_progress(tally.total)

    for number, cells in rows:
        if is_blank(cells):
            continue
        tally.total += 1
        if tally.total > MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(n)s rows; split it into smaller files.")
                % {"n": MAX_ROWS}
            )
        if keep is not None:
            keep(number, cells)
        chunk.append((number, cells))
        if len(chunk) >= CHUNK_ROWS:
            flush()
    if chunk:
        flush()
    return tally


def summary_lines(tally: Tally) -> list[str]:
    """The counts of a check, one sentence each (for the command and logs)."""
    return [
        ngettext("%(n)s row read.", "%(n)s rows read.", tally.total) % {"n": tally.total},
        ngettext("%(n)s row can be saved", "%(n)s rows can be saved", tally.valid)
        % {"n": tally.valid}
        + " "
        + _("(%(new)s new persons, %(existing)s already registered, %(nonik)s without NIK).")
        % {
            "new": tally.new_persons,
            "existing": tally.existing_persons,
            "nonik": tally.without_nik,
        },
        ngettext("%(n)s row has errors.", "%(n)s rows have errors.", tally.errors)
        % {"n": tally.errors},
        ngettext("%(n)s row is a duplicate.", "%(n)s rows are duplicates.", tally.duplicates)
        % {"n": tally.duplicates},
        ngettext("%(n)s row has warnings.", "%(n)s rows have warnings.", tally.with_warnings)
        % {"n": tally.with_warnings},
        *([other_regency_line(tally.other_regency)] if tally.other_regency else []),
    ]


def other_regency_line(count: int) -> str:
    """The one line that stands for the rows of other regencies/cities."""
    return ngettext(
        "%(n)s row belongs to another regency/city, not imported.",
        "%(n)s rows belong to other regencies/cities, not imported.",
        count,
    ) % {"n": intcomma(count)}
