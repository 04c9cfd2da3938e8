"""The header row: the columns the import knows, the spellings found in real files, and where
each column sits in a file."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cases.importing.errors import ImportFileError
from cases.importing.values import NON_WORD

# The header row is looked for among this many first rows (title rows may stand above it).
HEADER_SEARCH_ROWS = 20

# Canonical column names, as the template writes them, and the spellings found in real files.
COLUMNS = [
    "nik",
    "nama",
    "jenis_kelamin",
    "tempat_lahir",
    "tanggal_lahir",
    "kategori",
    "kode_wilayah",
    "alamat",
    "tanggal_ditemukan",
    "status",
    "no_kk",
    "pasung",
    "alasan_ditutup",
    "catatan",
]
REQUIRED_COLUMNS = ["nama", "jenis_kelamin", "kategori", "kode_wilayah", "tanggal_ditemukan"]
HEADER_ALIASES = {
    "nik": {"nik", "no_nik", "nomor_nik", "nomor_induk_kependudukan"},
    "nama": {"nama", "nama_lengkap"},
    "jenis_kelamin": {"jenis_kelamin", "jk", "kelamin", "l_p", "lp", "sex"},
    "tempat_lahir": {"tempat_lahir", "tmp_lahir", "tempat_lhr"},
    "tanggal_lahir": {"tanggal_lahir", "tgl_lahir", "tgl_lhr"},
    "kategori": {
        "kategori",
        "kategori_pmks",
        "kategori_ppks",
        "jenis_pmks",
        "jenis_ppks",
        "kode_pmks",
        "kode_ppks",
        "pmks",
        "ppks",
    },
    "kode_wilayah": {
        "kode_wilayah",
        "kode_desa",
        "kode_kelurahan",
        "kode_desa_kelurahan",
        "kode_kecamatan",
        "wilayah",
    },
    "alamat": {"alamat", "alamat_lengkap"},
    "tanggal_ditemukan": {"tanggal_ditemukan", "tgl_ditemukan", "ditemukan", "tanggal_temuan"},
    "status": {"status", "status_kasus"},
    "no_kk": {"no_kk", "kk", "nomor_kk", "nomor_kartu_keluarga"},
    "pasung": {"pasung", "dipasung"},
    "alasan_ditutup": {"alasan_ditutup", "alasan_tutup"},
    "catatan": {"catatan", "keterangan", "ket"},
}
HEADER_LOOKUP = {alias: column for column, aliases in HEADER_ALIASES.items() for alias in aliases}
# Columns that the rejected-rows file adds, and numbering columns: ignored without a word.
SILENTLY_IGNORED = {"no", "nomor", "no_urut", "baris_asal", "alasan"}
SOURCE_ROW_COLUMN = "baris_asal"
REASON_COLUMN = "alasan"

PARENTHESES = re.compile(r"\([^)]*\)")


@dataclass
class Header:
    """The header row as the file has it, and where each known column sits."""

    row_number: int
    cells: list[str]
    columns: dict[str, int]
    ignored: list[str]

    def as_json(self) -> dict:
        return {
            "row": self.row_number,
            "cells": self.cells,
            "columns": self.columns,
            "ignored": self.ignored,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Header":
        return cls(data["row"], data["cells"], data["columns"], data["ignored"])


def normalise_header(text) -> str:
    """'Jenis Kelamin (L/P) ' -> 'jenis_kelamin'; 'Tgl. Lahir' -> 'tgl_lahir'."""
    text = PARENTHESES.sub(" ", str(text or "").casefold())
    return NON_WORD.sub("_", text).strip("_")


def header_columns(cells: list) -> dict[str, int]:
    """The known columns of a header row; {} when the row is not one (needs nama and 2 more)."""
    found: dict[str, int] = {}
    for position, cell in enumerate(cells):
        column = HEADER_LOOKUP.get(normalise_header(cell))
        if column and column not in found:
            found[column] = position
    return found if "nama" in found and len(found) >= 3 else {}


def find_header(rows: Iterator[tuple[int, list]]) -> tuple[Header, Iterator[tuple[int, list]]]:
    """The header row among the first rows (title rows above it are skipped), and the rest."""
    for number, cells in rows:
        columns = header_columns(cells)
        if columns:
            header = _make_header(number, cells, columns)
            return header, rows
        if number >= HEADER_SEARCH_ROWS:
            break
    raise ImportFileError(
        _(
            "No header row found in the first %(n)s rows. The first row must name the columns: "
            "%(columns)s. Download the template to see them."
        )
        % {"n": HEADER_SEARCH_ROWS, "columns": ", ".join(COLUMNS[:10])}
    )


def _make_header(number: int, cells: list, columns: dict[str, int]) -> Header:
    texts = [str(cell).strip() for cell in cells]
    seen: dict[str, int] = {}
    for position, text in enumerate(texts):
        column = HEADER_LOOKUP.get(normalise_header(text))
        if column and column in seen:
            raise ImportFileError(
                _("Columns %(first)s and %(second)s both hold %(column)s; keep one.")
                % {"first": texts[seen[column]], "second": text, "column": column}
            )
        if column:
            seen[column] = position
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise ImportFileError(
            _("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    ignored = [
        text
        for position, text in enumerate(texts)
        if text
        and position not in columns.values()
        and normalise_header(text) not in SILENTLY_IGNORED
    ]
    return Header(number, texts, columns, ignored)


def column_label(header: Header, column: str) -> str:
    """The column as the file names it (the canonical name when the file lacks it)."""
    position = header.columns.get(column)
    return header.cells[position] if position is not None else column
