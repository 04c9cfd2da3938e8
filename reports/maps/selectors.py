"""The stored outlines as the dashboards read them: cached until an upload or a removal
(no query on a dashboard's warm path), read from the database when the cache is down."""

from pmks_portal import cache
from reports.models import RegencyOutline

VERSION_KEY = "reports:outlines:version"
TIMEOUT = 3600


def outlines() -> dict:
    """{"width", "height", "source_name", "uploaded_at", "shapes": {code: (path, x, y)}}, or
    None when no outlines are stored (the map is a tile grid then)."""
    version = cache.get(VERSION_KEY, 0)
    # Stored as a one-element list: a cached "no outlines" (None) is told from a miss.
    return cache.get_or_set(f"reports:outlines:{version}", _load, TIMEOUT)[0]


def _load() -> list:
    rows = list(
        RegencyOutline.objects.values_list(
            "regency_id",
            "path",
            "label_x",
            "label_y",
            "frame_width",
            "frame_height",
            "source_name",
            "uploaded_at",
        )
    )
    if not rows:
        return [None]
    _code, _path, _x, _y, width, height, source_name, uploaded_at = rows[0]
    return [
        {
            "width": width,
            "height": height,
            "source_name": source_name,
            "uploaded_at": uploaded_at,
            "shapes": {row[0]: (row[1], row[2], row[3]) for row in rows},
        }
    ]


def forget() -> None:
    cache.incr(VERSION_KEY)
