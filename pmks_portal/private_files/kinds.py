"""The types of file the portal knows, and how a file's first bytes tell which one it is."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FileKind:
    """A type of file the portal accepts somewhere."""

    content_type: str
    extension: str
    pillow_format: str | None  # None: not an image, stored as it is


JPEG = FileKind("image/jpeg", ".jpg", "JPEG")
PNG = FileKind("image/png", ".png", "PNG")
WEBP = FileKind("image/webp", ".webp", "WEBP")
PDF = FileKind("application/pdf", ".pdf", None)
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", None
)
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", None)
PPTX = FileKind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx", None
)

KINDS_BY_CONTENT_TYPE = {
    kind.content_type: kind for kind in (JPEG, PNG, WEBP, PDF, DOCX, XLSX, PPTX)
}
# Office documents since 2007 are zip packages; which one a package is, its parts tell (content.py).
OFFICE_KINDS = frozenset({DOCX, XLSX, PPTX})
ZIP_MAGIC = b"PK\x03\x04"


class Unreadable(ValueError):
    """The file does not read as the type its first bytes announce (damaged, or made to fool)."""


def detect_kind(head: bytes) -> FileKind | None:
    """The photo or PDF type these first bytes belong to, or None (zip packages: see content.py)."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    # The PDF standard lets the header start anywhere in the first 1,024 bytes; scanners and
    # office software put it first, and a file with something before it is refused.
    if head.startswith(b"%PDF-"):
        return PDF
    return None
