"""Reading text files that people export from spreadsheets on office PCs."""


def decode_spreadsheet_text(data: bytes) -> str:
    """UTF-16 or UTF-8 (with or without a BOM); else the Windows ANSI code page, which is what
    Excel's "CSV" writes on Indonesian Windows."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
