"""The names of private files: the one stored on disk, and the one shown and offered on download."""

import secrets
import unicodedata
from pathlib import PurePosixPath

from pmks_portal.private_files.kinds import JPEG, KINDS_BY_CONTENT_TYPE, FileKind


def safe_name(name: str, *, fallback: str, limit: int = 200) -> str:
    """A file name to show and to offer on download: no path, no control characters.

    `fallback` when nothing is left of the name.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = PurePosixPath(name.replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if not name:
        return fallback
    if len(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and len(extension) <= 10:
        return stem[: limit - len(extension) - 1] + "." + extension
    return name[:limit]


def download_name(original_name: str, content_type: str) -> str:
    """The user's file name, made safe, with the extension of what the file really is."""
    kind = KINDS_BY_CONTENT_TYPE.get(content_type)
    name = safe_name(original_name, fallback="file")
    lowered = name.lower()
    if (
        kind is None
        or lowered.endswith(kind.extension)
        or (kind is JPEG and lowered.endswith(".jpeg"))
    ):
        return name
    stem = name.rpartition(".")[0] if "." in name else name
    return safe_name(f"{stem}{kind.extension}", fallback="file")


def stored_name(kind: FileKind) -> str:
    """Random, so that the path says nothing about the person and cannot be guessed."""
    return f"{secrets.token_hex(16)}{kind.extension}"
