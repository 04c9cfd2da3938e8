"""The one zip-bomb guard: every zip package (XLSX imports, Office attachments) is measured
here, by its declared sizes, before anything reads it.

Python's zipfile never inflates an entry beyond its declared size (it stops there, and a CRC
mismatch is an error), so the declared sizes bound what parsing can allocate.
"""

import zipfile

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 5000


class ArchiveTooLarge(Exception):
    """The package holds too many parts (`too_many_entries`) or unpacks to too much."""

    def __init__(self, *, too_many_entries: bool):
        super().__init__("too many entries" if too_many_entries else "unpacks to too much")
        self.too_many_entries = too_many_entries


def checked_entries(handle) -> list[zipfile.ZipInfo]:
    """The entries of a zip package (a file object), once the guard found them within bounds.

    Raises zipfile.BadZipFile for a damaged package and ArchiveTooLarge past the limits.
    """
    with zipfile.ZipFile(handle) as archive:
        entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise ArchiveTooLarge(too_many_entries=True)
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise ArchiveTooLarge(too_many_entries=False)
    return entries
