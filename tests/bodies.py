"""What a response delivers, read as text: pages, CSV, XLSX and PDF files alike (and a tiny PDF
to upload or serve).

The access matrix and the identifier scan search every body for text it must not contain; a
workbook is a zip of XML and a PDF's text sits in compressed streams, so a plain search of the
bytes would find nothing in them whatever they held.
"""

import base64
import io
import zipfile
import zlib


def response_bytes(response) -> bytes:
    """The whole body, streamed or not (exports and file downloads stream)."""
    if getattr(response, "streaming", False):
        # Read to the end: the test client then closes the response (and a FileResponse's
        # file) itself, without closing the database connection as a second close() would.
        return b"".join(
            part if isinstance(part, bytes) else str(part).encode()
            for part in response.streaming_content
        )
    return response.content


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF, good enough to search: its content streams, decoded.

    (pdftotext is not installed on these machines; this reads what ReportLab writes.)
    """
    chunks = []
    position = 0
    while True:
        start = data.find(b"stream", position)
        if start == -1:
            break
        start = data.index(b"\n", start) + 1
        end = data.find(b"endstream", start)
        raw = data[start:end].rstrip(b"\r\n")
        if raw.endswith(b"~>"):  # ReportLab's /ASCII85Decode, before /FlateDecode
            raw = base64.a85decode(raw, adobe=True)
        try:
            chunks.append(zlib.decompress(raw))
        except zlib.error:
            chunks.append(raw)
        position = end + 9
    return b"\n".join(chunks).decode("latin-1")


def zip_text(data: bytes) -> str:
    """Every entry of a zip (an XLSX: its sheets and shared strings), one after the other."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
        )


def readable_text(response) -> str:
    """The body as searchable text, whatever kind of file it is."""
    data = response_bytes(response)
    if data.startswith(b"PK\x03\x04"):
        try:
            return zip_text(data)
        except zipfile.BadZipFile:
            pass
    if data.startswith(b"%PDF"):
        return pdf_text(data)
    return data.decode("utf-8", "replace")


def tiny_pdf(text: str = "bukti") -> bytes:
    """A one-page PDF that says `text` (ReportLab, standard font: pdf_text reads it back)."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer)
    drawing.drawString(72, 720, text)
    drawing.save()
    return buffer.getvalue()
