"""Photos written again from their pixels alone, so that no metadata of any kind is stored.

Turned upright by their EXIF orientation first. Nothing of the original file survives but the
picture: no EXIF (GPS position, camera), no XMP, no comments, no text chunks, no ICC profile, no
thumbnail. Only the first frame of an animated image is kept.
"""

import io
import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from pmks_portal.private_files.kinds import JPEG, PNG, FileKind, Unreadable

logger = logging.getLogger("pmks.private_files")

# Pixels, not bytes, decide the memory a photo takes once decoded (about 3 bytes a pixel, and the
# clean copy doubles it). 40 megapixels is above any phone photo that fits in the size limits.
MAX_PIXELS = 40_000_000

JPEG_QUALITY = 90
WEBP_QUALITY = 90


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


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("The picture is too large (more than %(megapixels)s megapixels). Send a smaller one.")
        % {"megapixels": MAX_PIXELS // 1_000_000},
        code="pixels",
    )


def strip_image(data: bytes, kind: FileKind) -> bytes:
    """The photo upright, re-encoded from its pixels alone: no metadata of any kind survives.

    ValidationError for images too large to decode safely (decompression bombs); Unreadable for
    files that do not decode as the format their first bytes announce.
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
        logger.info("private_file_image_refused error=%s", type(error).__name__)
        raise Unreadable from None
    out = io.BytesIO()
    if kind is JPEG:
        clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    elif kind is PNG:
        clean.save(out, format="PNG", optimize=True)
    else:
        clean.save(out, format="WEBP", quality=WEBP_QUALITY)
    return out.getvalue()
