"""Checking an upload by its content: what it is, whether this upload accepts it, what to store.

PDFs are stored byte for byte. Their metadata (the Info dictionary: author, creator software,
dates; and XMP streams) is NOT removed: doing it safely means rewriting the cross-reference table
and object streams, which needs a PDF library, and a half-done rewrite would corrupt scans that
staff cannot produce again. PDFs are therefore only ever served as downloads (never rendered by the
portal), and those carrying the plainly spelt names of active content (JavaScript, launch actions,
embedded files) are refused. That last check is a tripwire for the obvious cases, not a guarantee:
a name can be hex-escaped or hidden in a compressed object stream.
"""

import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from pmks_portal import archives
from pmks_portal.private_files.images import strip_image
from pmks_portal.private_files.kinds import (
    DOCX,
    JPEG,
    OFFICE_KINDS,
    PDF,
    PPTX,
    XLSX,
    ZIP_MAGIC,
    FileKind,
    Unreadable,
    detect_kind,
)
from pmks_portal.private_files.names import safe_name

# Names of PDF objects that make a document do something when opened; see the module docstring.
# A script is always declared by /JavaScript (an action's /S, or the document's name tree); the
# shorter /JS is not searched for, as three bytes turn up by chance in a scan's image data.
PDF_ACTIVE_CONTENT = re.compile(rb"/(?:JavaScript|Launch|EmbeddedFiles?)(?![A-Za-z0-9])")

# An Office package that unpacks to more than this is not a document but a zip bomb.
# The part that makes a zip package a document of each Office kind.
OFFICE_MAIN_PARTS = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": PPTX,
}


@dataclass(frozen=True)
class Acceptance:
    """What one kind of upload accepts, and how its refusals are worded.

    `refused` and `damaged` are whole sentences (translatable), as they name what is accepted.
    """

    kinds: tuple[FileKind, ...]
    refused: str
    damaged: str
    # The name kept for a file uploaded without a usable one.
    fallback_name: str
    # None: settings.PMKS_ATTACHMENT_MAX_BYTES, read at each upload.
    max_bytes: int | None = None

    def size_limit(self) -> int:
        return self.max_bytes if self.max_bytes is not None else settings.PMKS_ATTACHMENT_MAX_BYTES

    @property
    def accept_attribute(self) -> str:
        """For <input type=file accept=...>: the extensions, then the content types."""
        extensions = []
        for kind in self.kinds:
            extensions.append(kind.extension)
            if kind is JPEG:
                extensions.append(".jpeg")
        return ",".join([*extensions, *(kind.content_type for kind in self.kinds)])


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: its type, the bytes to store and the name to keep."""

    kind: FileKind
    content: bytes
    name: str

    def fields(self) -> dict:
        """The values of a PrivateFile's fields that describe this file."""
        return {
            "original_name": self.name,
            "content_type": self.kind.content_type,
            "size": len(self.content),
        }


def check_pdf(data: bytes) -> None:
    """A complete PDF without plainly declared active content: else Unreadable (cut short) or a
    ValidationError (active content)."""
    if b"%%EOF" not in data[-1024:]:
        raise Unreadable
    if PDF_ACTIVE_CONTENT.search(data):
        raise ValidationError(
            _(
                "This PDF contains scripts, actions or embedded files, which are not accepted. "
                "Print it to a new PDF or scan it, and attach that."
            ),
            code="active_content",
        )


def _office_kind(data: bytes, accepts: Acceptance) -> FileKind:
    """Which Office document a zip package is; refused when it is another zip or has macros."""
    try:
        entries = archives.checked_entries(io.BytesIO(data))
    except (zipfile.BadZipFile, archives.ArchiveTooLarge):
        raise Unreadable from None
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names:
        raise ValidationError(accepts.refused, code="type")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ValidationError(
            _(
                "Documents with macros are not accepted. Save it without macros "
                "(.docx, .xlsx, .pptx)."
            ),
            code="macros",
        )
    for part, kind in OFFICE_MAIN_PARTS.items():
        if part in names:
            return kind
    raise ValidationError(accepts.refused, code="type")


def _accepted_kind(data: bytes, accepts: Acceptance) -> FileKind:
    if data.startswith(ZIP_MAGIC) and OFFICE_KINDS.intersection(accepts.kinds):
        kind = _office_kind(data, accepts)
    else:
        kind = detect_kind(data[:16])
    if kind not in accepts.kinds:
        raise ValidationError(accepts.refused, code="type")
    return kind


def _read_within(uploaded_file, limit: int) -> bytes:
    too_big = ValidationError(
        _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}, code="size"
    )
    if uploaded_file.size is None or uploaded_file.size > limit:
        raise too_big
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise too_big
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    return data


def checked_upload(uploaded_file, accepts: Acceptance) -> CheckedFile:
    """The upload's type, the bytes to store (photos stripped, the rest as they are) and its name
    made safe. ValidationError, with a message for the user, when the file is refused."""
    data = _read_within(uploaded_file, accepts.size_limit())
    try:
        kind = _accepted_kind(data, accepts)
        if kind is PDF:
            check_pdf(data)
            content = data
        elif kind.pillow_format:
            content = strip_image(data, kind)
        else:
            content = data  # an Office package, checked by _accepted_kind
    except Unreadable:
        raise ValidationError(accepts.damaged, code="damaged") from None
    return CheckedFile(
        kind=kind,
        content=content,
        name=safe_name(uploaded_file.name, fallback=accepts.fallback_name),
    )
