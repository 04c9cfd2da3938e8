"""Photos and documents of a case: checked by content, stripped of metadata, stored privately.

What comes in is decided by the file's first bytes (its magic number), never by its name or by
the content type the browser claims: JPEG, PNG and WebP photos, and PDF documents. Anything else
(a renamed program, an HTML or SVG page) is refused.

Photos are decoded and written again from their pixels alone, after turning them upright by their
EXIF orientation. Nothing of the original file survives but the picture: no EXIF (and so no GPS
position of where a child or a shackled person was found), no XMP, no comments, no text chunks,
no ICC profile, no thumbnail. Only the first frame of an animated image is kept.

PDFs are stored byte for byte. Their metadata (the Info dictionary: author, creator software,
dates; and XMP streams) is NOT removed: doing it safely means rewriting the cross-reference table
and object streams, which needs a PDF library, and a half-done rewrite would corrupt scans that
staff cannot produce again. PDFs are therefore only ever served as downloads (never rendered by the
portal), and those carrying the plainly spelt names of active content (JavaScript, launch actions,
embedded files) are refused. That last check is a tripwire for the obvious cases, not a guarantee:
a name can be hex-escaped or hidden in a compressed object stream.

Files are stored under MEDIA_ROOT (outside any public path) with a random name; the name the user
gave is kept only in the database and used, made safe, when the file is downloaded.
"""

import io
import logging
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from audit.models import AuditEvent
from audit.services import audit_record
from cases.models import Attachment, Case
from pmks_portal import access

logger = logging.getLogger("pmks.attachments")

# Pixels, not bytes, decide the memory a photo takes once decoded (about 3 bytes a pixel, and the
# clean copy doubles it). 40 megapixels is above any phone photo that fits in the size limit.
MAX_PIXELS = 40_000_000

JPEG_QUALITY = 90
WEBP_QUALITY = 90


@dataclass(frozen=True)
class FileKind:
    """A type of file the portal accepts."""

    content_type: str
    extension: str
    pillow_format: str | None  # None: not an image, stored as it is


JPEG = FileKind("image/jpeg", ".jpg", "JPEG")
PNG = FileKind("image/png", ".png", "PNG")
WEBP = FileKind("image/webp", ".webp", "WEBP")
PDF = FileKind("application/pdf", ".pdf", None)

KINDS_BY_CONTENT_TYPE = {kind.content_type: kind for kind in (JPEG, PNG, WEBP, PDF)}

# Names of PDF objects that make a document do something when opened; see the module docstring.
# A script is always declared by /JavaScript (an action's /S, or the document's name tree); the
# shorter /JS is not searched for, as three bytes turn up by chance in a scan's image data.
PDF_ACTIVE_CONTENT = re.compile(rb"/(?:JavaScript|Launch|EmbeddedFiles?)(?![A-Za-z0-9])")


def max_bytes() -> int:
    return settings.PMKS_ATTACHMENT_MAX_BYTES


def detect_kind(head: bytes) -> FileKind | None:
    """The accepted type these first bytes belong to, or None."""
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


def _refused_type() -> ValidationError:
    return ValidationError(
        _("Only photos (JPEG, PNG or WebP) and PDF documents can be attached."), code="type"
    )


def _damaged() -> ValidationError:
    return ValidationError(
        _("The file could not be read as the photo or PDF its content claims to be."),
        code="damaged",
    )


def check_pdf(data: bytes) -> None:
    """A complete PDF without plainly declared active content, or a ValidationError."""
    if b"%%EOF" not in data[-1024:]:
        raise _damaged()
    if PDF_ACTIVE_CONTENT.search(data):
        raise ValidationError(
            _(
                "This PDF contains scripts, actions or embedded files, which are not accepted. "
                "Print it to a new PDF or scan it, and attach that."
            ),
            code="active_content",
        )


def _plain_pixels(image: Image.Image, kind: FileKind, has_transparency: bool) -> Image.Image:
    """The image in a mode its format writes without a palette or extra data to carry over."""
    has_alpha = has_transparency or "A" in image.getbands()
    if kind is JPEG:
        wanted = "L" if image.mode in ("1", "L") else "RGB"
    elif image.mode in ("1", "L", "RGB", "RGBA", "LA") and not has_transparency:
        wanted = image.mode
    else:
        wanted = "RGBA" if has_alpha else "RGB"
    return image if image.mode == wanted else image.convert(wanted)


def strip_image(data: bytes, kind: FileKind) -> bytes:
    """The photo upright, re-encoded from its pixels alone: no metadata of any kind survives.

    Refuses images too large to decode safely (decompression bombs) and files that do not decode
    as the format their first bytes announce.
    """
    try:
        # `formats` keeps Pillow to the format the magic bytes named: no other decoder is tried.
        with Image.open(io.BytesIO(data), formats=[kind.pillow_format]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _too_many_pixels()
            has_transparency = "transparency" in image.info
            upright = ImageOps.exif_transpose(image)
            pixels = _plain_pixels(upright, kind, has_transparency)
            # A new image from the raw pixels: `info` (EXIF, XMP, comments, ICC, text chunks)
            # would otherwise be written again by some encoders.
            clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except Exception as error:  # noqa: BLE001 - decoders of hostile input fail in many ways
        logger.info("attachment_image_refused error=%s", type(error).__name__)
        raise _damaged() from None
    out = io.BytesIO()
    if kind is JPEG:
        clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    elif kind is PNG:
        clean.save(out, format="PNG", optimize=True)
    else:
        clean.save(out, format="WEBP", quality=WEBP_QUALITY)
    return out.getvalue()


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("The picture is too large (more than %(megapixels)s megapixels). Send a smaller one.")
        % {"megapixels": MAX_PIXELS // 1_000_000},
        code="pixels",
    )


def safe_name(name: str, *, limit: int = 200) -> str:
    """A file name to show and to offer on download: no path, no control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = PurePosixPath(name.replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if not name:
        return "lampiran"
    if len(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and len(extension) <= 10:
        return stem[: limit - len(extension) - 1] + "." + extension
    return name[:limit]


def download_name(attachment: Attachment) -> str:
    """The user's file name, with the extension of what the file really is."""
    kind = KINDS_BY_CONTENT_TYPE.get(attachment.content_type)
    name = safe_name(attachment.original_name)
    if kind is None or name.lower().endswith(kind.extension):
        return name
    if kind is JPEG and name.lower().endswith(".jpeg"):
        return name
    stem = name.rpartition(".")[0] if "." in name else name
    return safe_name(f"{stem}{kind.extension}")


def checked_content(uploaded_file) -> tuple[FileKind, bytes]:
    """The file's type and the bytes to store: images stripped, PDFs as they are.

    Raises ValidationError with a message for the user when the file is refused.
    """
    limit = max_bytes()
    if uploaded_file.size is None or uploaded_file.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)},
            code="size",
        )
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)},
            code="size",
        )
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = detect_kind(data[:16])
    if kind is None:
        raise _refused_type()
    if kind is PDF:
        check_pdf(data)
        return kind, data
    return kind, strip_image(data, kind)


def _stored_name(kind: FileKind) -> str:
    # Random, so the path says nothing about the person and cannot be guessed.
    return f"{secrets.token_hex(16)}{kind.extension}"


def _audit_value(attachment: Attachment) -> str:
    return f"#{attachment.pk} {attachment.original_name}"


@transaction.atomic
def attachment_add(*, actor, case: Case, uploaded_file, description: str = "") -> Attachment:
    """Checks a file by its content, strips a photo's metadata, stores it under a random name
    and records the upload in the case's history. ValidationError when the file is refused."""
    if not access.can_write_record(actor, case.regency_id):
        raise PermissionDenied
    kind, content = checked_content(uploaded_file)
    attachment = Attachment(
        case=case,
        original_name=safe_name(uploaded_file.name),
        content_type=kind.content_type,
        size=len(content),
        description=description.strip(),
        uploaded_by=actor,
    )
    attachment.full_clean(exclude=["file"])
    attachment.file.save(_stored_name(kind), ContentFile(content), save=False)
    try:
        attachment.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=case,
            changes={"attachment": [None, _audit_value(attachment)]},
            regency_id=case.regency_id,
        )
    except BaseException:
        # The row is not saved: the file must not stay behind either.
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, actor, attachment: Attachment) -> None:
    """Removes an attachment (a wrong photo, a document of someone else) and records it.

    The file goes once the transaction has committed, so a rollback never loses it.
    """
    case = attachment.case
    if not access.can_write_record(actor, case.regency_id):
        raise PermissionDenied
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        target=case,
        changes={"attachment": [_audit_value(attachment), None]},
        regency_id=case.regency_id,
    )
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def attachment_open(*, actor, attachment: Attachment):
    """The stored file, opened for reading, after logging who opened it (UU PDP art. 31).

    Raises FileNotFoundError when the file is missing from storage; nothing is logged then.
    """
    try:
        handle = attachment.file.storage.open(attachment.file.name, "rb")
    except FileNotFoundError:
        logger.error("attachment_file_missing attachment=%s", attachment.pk)
        raise
    try:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.VIEW,
            target=attachment.case,
            changes={"attachment": attachment.pk},
            regency_id=attachment.case.regency_id,
        )
    except BaseException:
        handle.close()
        raise
    return handle
