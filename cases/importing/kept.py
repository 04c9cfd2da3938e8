"""A file's data rows as read once, kept as JSON lines: what the checks go through, what is
stored with the batch for the commit, and the digest that recognises the same rows again."""

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from cases.importing.errors import ImportFileError
from cases.importing.header import Header
from cases.importing.rejected import JsonLines

# Data rows a file may hold (blank rows do not count).
MAX_ROWS = 200_000


def is_blank(cells: list) -> bool:
    return all(isinstance(cell, str) and not cell.strip() for cell in cells)


def data_rows(rows: Iterable[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    """The non-blank rows; a file of more than MAX_ROWS is refused before any row is checked."""
    count = 0
    for number, cells in rows:
        if is_blank(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(n)s rows; split it into smaller files.")
                % {"n": MAX_ROWS}
            )
        yield number, cells


class RowsDigest:
    """A digest of rows' cells, row numbers left out: a blank row more or less is the same
    rows."""

    def __init__(self):
        self._hash = hashlib.sha256()

    def add(self, cells: list) -> None:
        self._hash.update(json.dumps(cells, ensure_ascii=False, default=str).encode())
        self._hash.update(b"\n")

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


@dataclass
class KeptRows:
    """Rows kept in a JSON-lines file, with how many there are and their digest."""

    header: Header
    delimiter: str
    path: Path
    count: int = 0
    _digest: RowsDigest = field(default_factory=RowsDigest, repr=False)
    _lines: JsonLines | None = field(default=None, repr=False)

    @property
    def digest(self) -> str:
        return self._digest.hexdigest()

    def add(self, number: int, cells: list) -> None:
        if self._lines is None:
            self._lines = JsonLines(str(self.path.parent), self.path.name)
        self._lines.write([number, cells])
        self._digest.add(cells)
        self.count += 1

    def close(self) -> None:
        if self._lines is None:
            self.path.touch()
        else:
            self._lines.close()

    def rows(self) -> Iterator[tuple[int, list]]:
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                number, cells = json.loads(line)
                yield number, cells


def keep_rows(
    rows: Iterable[tuple[int, list]], header: Header, delimiter: str, directory: str, name: str
) -> KeptRows:
    """The data rows (data_rows) kept in `directory`/`name`."""
    kept = KeptRows(header, delimiter, Path(directory) / name)
    try:
        for number, cells in data_rows(rows):
            kept.add(number, cells)
    finally:
        kept.close()
    return kept
