"""Files of meetings and follow-ups: checked by content, stored privately, served as downloads.

A file's type is decided by its first bytes, never by its name or by what the browser claims:
PDF; Word, Excel and PowerPoint files of Office 2007 and later (zip packages with their main part,
macro-free); JPEG and PNG photos. Photos are written again from their pixels alone, which drops
EXIF (the GPS position of where a photo of a released pasung victim was taken), XMP and comments.
Office packages are checked for what they are and for macros, not rewritten. PDFs are stored as
they are and only ever served as downloads.

Files go under MEDIA_ROOT (outside any public path) with a random name; the name the user gave
is kept in the database and used, made safe, on download.
"""

import io
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Presentations with pictures are large; a scanned decree is not.
MAX_BYTES = 20 * 1024 * 1024
# An Office package that unpacks to more than this is not a meeting document but a zip bomb.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str
    label: str


PDF = FileKind("application/pdf", ".pdf", "PDF")
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word"
)
XLSX = FileKind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel"
)
PPTX = FileKind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".pptx",
    "PowerPoint",
)
JPEG = FileKind("image/jpeg", ".jpg", "JPEG")
PNG = FileKind("image/png", ".png", "PNG")

KINDS = {kind.content_type: kind for kind in (PDF, DOCX, XLSX, PPTX, JPEG, PNG)}
# The part that makes a zip package a document of each Office kind.
OFFICE_MAIN_PARTS = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": PPTX,
}
ACCEPT_ATTRIBUTE = ",".join(
    [".pdf", ".docx", ".xlsx", ".pptx", ".jpg", ".jpeg", ".png", *KINDS.keys()]
)


def accepted_help() -> str:
    return _("PDF, Word, Excel, PowerPoint, JPEG or PNG, up to %(limit)s.") % {
        "limit": filesizeformat(MAX_BYTES)
    }


def _refused() -> ValidationError:
    return ValidationError(
        _(
            "Only PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), JPEG and PNG files "
            "can be uploaded."
        ),
        code="type",
    )


def _damaged() -> ValidationError:
    return ValidationError(
        _("The file could not be read as the kind of document its content claims to be."),
        code="damaged",
    )


def _office_kind(data: bytes) -> FileKind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise _damaged() from None
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise _damaged()
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names:
        raise _refused()
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
    raise _refused()


def _clean_image(data: bytes, kind: FileKind) -> bytes:
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data), formats=["JPEG" if kind is JPEG else "PNG"]) as image:
            if image.size[0] * image.size[1] > MAX_PIXELS:
                raise ValidationError(_("The picture is too large; send a smaller one."))
            upright = ImageOps.exif_transpose(image)
            mode = "RGB" if kind is JPEG else ("RGBA" if "A" in upright.getbands() else "RGB")
            pixels = upright.convert(mode)
            clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    except Image.DecompressionBombError:
        raise ValidationError(_("The picture is too large; send a smaller one.")) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _damaged() from None
    out = io.BytesIO()
    clean.save(out, format="JPEG" if kind is JPEG else "PNG", quality=90)
    return out.getvalue()


def checked_content(uploaded_file) -> tuple[FileKind, bytes]:
    """The file's kind and the bytes to store; ValidationError with a message when refused."""
    limit = MAX_BYTES
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
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise _damaged()
        return PDF, data
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data), data
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG, _clean_image(data, JPEG)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG, _clean_image(data, PNG)
    raise _refused()


def safe_name(name: str, *, limit: int = 200) -> str:
    """A file name to show and to offer on download: no path, no control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = PurePosixPath(name.replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if not name:
        return "dokumen"
    if len(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and len(extension) <= 10:
        return stem[: limit - len(extension) - 1] + "." + extension
    return name[:limit]


def download_name(original_name: str, content_type: str) -> str:
    """The user's file name, with the extension of what the file really is."""
    kind = KINDS.get(content_type)
    name = safe_name(original_name)
    lowered = name.lower()
    if (
        kind is None
        or lowered.endswith(kind.extension)
        or (kind is JPEG and lowered.endswith(".jpeg"))
    ):
        return name
    stem = name.rpartition(".")[0] if "." in name else name
    return safe_name(f"{stem}{kind.extension}")


def stored_name(kind: FileKind) -> str:
    """Random, so that the path says nothing and cannot be guessed."""
    return f"{secrets.token_hex(16)}{kind.extension}"
