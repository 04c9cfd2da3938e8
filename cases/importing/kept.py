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


@dataclass
class KeptRows:
    """Rows kept in a JSON-lines file, with how many there are and a digest of their cells
    (row numbers left out: a blank row more or less is the same rows)."""

    header: Header
    delimiter: str
    path: Path
    count: int = 0
    _digest: "hashlib._Hash" = field(default_factory=hashlib.sha256, repr=False)
    _lines: JsonLines | None = field(default=None, repr=False)

    @property
    def digest(self) -> str:
        return self._digest.hexdigest()

    def add(self, number: int, cells: list) -> None:
        if self._lines is None:
            self._lines = JsonLines(str(self.path.parent), self.path.name)
        self._lines.write([number, cells])
        self._digest.update(json.dumps(cells, ensure_ascii=False, default=str).encode())
        self._digest.update(b"\n")
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
    """The non-blank rows kept in `directory`/`name`; a file of more than MAX_ROWS is refused
    before any row is checked."""
    kept = KeptRows(header, delimiter, Path(directory) / name)
    try:
        for number, cells in rows:
            if is_blank(cells):
                continue
            if kept.count >= MAX_ROWS:
                raise ImportFileError(
                    _("The file has more than %(n)s rows; split it into smaller files.")
                    % {"n": MAX_ROWS}
                )
            kept.add(number, cells)
    finally:
        kept.close()
    return kept
