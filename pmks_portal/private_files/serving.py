"""Serving a private file: a response no browser runs, renders as a page or guesses the type of."""

from django.http import FileResponse

from pmks_portal.private_files.models import PrivateFile

# A file opened on its own gets no origin, no scripts and no subresources of any kind.
SANDBOX = "default-src 'none'; sandbox"


def download_response(handle, record: PrivateFile, *, inline_images: bool = False) -> FileResponse:
    """The opened file, named safely after what it really is.

    A download, except photos when `inline_images`: they were re-encoded on upload and may be
    shown in the browser. PDFs and documents are never rendered by the portal.
    """
    response = FileResponse(
        handle,
        as_attachment=not (inline_images and record.is_image),
        filename=record.download_name,
        content_type=record.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    return response
