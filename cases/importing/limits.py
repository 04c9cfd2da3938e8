"""Limits checked at upload, in the request, before a worker is spent on a file.

A file within the size limit can still be shaped to cost a worker dearly: a million header
columns (36 s of a worker, a 7 MB summary, a 9 MB batch page) or a 15 MB cell (which csv refuses
past its field limit, so the check stopped on an "unexpected error"). Reading the file once
here, cell by cell, costs the request about a second at the size limit; the messages say what
to change.
"""

import csv

from django.utils.translation import gettext as _

from cases.importing.errors import ImportFileError
from cases.importing.files import MAX_UPLOAD_BYTES, read_table
from cases.importing.kept import MAX_ROWS

# The template has 20 columns; a real sheet adds a few of its own.
MAX_COLUMNS = 100
# The longest field of a case is a note; an address is 255 characters.
MAX_CELL_CHARS = 5000


# Room for the form's other fields and the multipart boundaries around the file.
FORM_OVERHEAD_BYTES = 64 * 1024


def check_request_size(meta) -> None:
    """Refuses an upload from its Content-Length, before Django reads the body to disk."""
    try:
        length = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES:
        raise ImportFileError(
            _("The file is %(size)s MB; at most %(limit)s MB can be imported. Split it.")
            % {"size": round(length / 1024 / 1024, 1), "limit": MAX_UPLOAD_BYTES // 1024 // 1024}
        )


def check_shape(handle, fmt: str) -> None:
    """Raises ImportFileError when the file has too many columns, rows, or too long a cell."""
    handle.seek(0)
    rows, _estimate, _delimiter = read_table(handle, fmt)
    number = 0
    data_rows = 0
    try:
        for number, cells in rows:
            _check_row(number, cells)
            if any(cell != "" for cell in cells):
                data_rows += 1
                # The header row is among them: one more than MAX_ROWS data rows.
                if data_rows > MAX_ROWS + 1:
                    raise ImportFileError(
                        _("The file has more than %(n)s rows; split it into smaller files.")
                        % {"n": MAX_ROWS}
                    )
    except csv.Error:
        # The only csv error text can reach here is its own field limit (131,072 characters).
        raise ImportFileError(_too_long(number + 1)) from None
    finally:
        handle.seek(0)


def _check_row(number: int, cells: list) -> None:
    if len(cells) > MAX_COLUMNS and any(cell != "" for cell in cells[MAX_COLUMNS:]):
        raise ImportFileError(
            _(
                "Row %(row)s has %(n)s columns; at most %(limit)s can be imported. Remove the "
                "columns that are not needed."
            )
            % {"row": number, "n": len(cells), "limit": MAX_COLUMNS}
        )
    for cell in cells:
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            raise ImportFileError(_too_long(number))


def _too_long(number: int) -> str:
    return _(
        "Row %(row)s has a cell longer than %(limit)s characters; shorten it (a cell holds at "
        "most %(limit)s characters)."
    ) % {"row": number, "limit": MAX_CELL_CHARS}
