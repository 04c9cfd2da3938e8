"""Times of the reports as people in Kalimantan Timur read them: in WITA (Asia/Makassar), the
zone named, on pages and in the PDF and XLSX alike (whatever the server's TIME_ZONE)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.dateparse import parse_datetime

WITA = ZoneInfo("Asia/Makassar")


def wita(value: datetime | str | None) -> str:
    """'5 Des 2026 14:03 WITA' (in the active language); '' for no time."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is None:
        return ""
    local = value.astimezone(WITA) if value.tzinfo else value.replace(tzinfo=WITA)
    return f"{formats.date_format(local, 'j M Y H:i')} WITA"
