"""Keyset (seek) pagination: constant time at any depth, no COUNT over the table.

The cursor is the sort value and id of the last row shown, signed so it cannot be forged into
a different query. The total is counted only up to a cap, which stays cheap on a million rows.
"""

from dataclasses import dataclass
from datetime import date

from django.core import signing
from django.db.models import Q, QuerySet

COUNT_CAP = 10_000
SALT = "pmks.pagination"


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    has_previous: bool
    count: int
    count_capped: bool


def _encode(value) -> str:
    if isinstance(value, date):
        value = value.isoformat()
    return value


def _cursor_filter(field: str, descending: bool, cursor: str) -> Q:
    value, pk = signing.loads(cursor, salt=SALT)
    if descending:
        return Q(**{f"{field}__lt": value}) | Q(**{field: value, "pk__lt": pk})
    return Q(**{f"{field}__gt": value}) | Q(**{field: value, "pk__gt": pk})


def keyset_page(
    queryset: QuerySet, *, field: str, descending: bool, cursor: str | None, size: int
) -> Page:
    """One page of `queryset` ordered by (field, id); `cursor` is the previous page's last row."""
    prefix = "-" if descending else ""
    ordered = queryset.order_by(f"{prefix}{field}", f"{prefix}pk")
    if cursor:
        try:
            ordered = ordered.filter(_cursor_filter(field, descending, cursor))
        except (signing.BadSignature, ValueError, TypeError):
            cursor = None
    rows = list(ordered[: size + 1])
    has_next = len(rows) > size
    rows = rows[:size]
    next_cursor = None
    if has_next:
        last = rows[-1]
        next_cursor = signing.dumps([_encode(getattr(last, field)), last.pk], salt=SALT)
    capped_count = queryset.order_by()[: COUNT_CAP + 1].count()
    return Page(
        rows=rows,
        next_cursor=next_cursor,
        has_previous=bool(cursor),
        count=min(capped_count, COUNT_CAP),
        count_capped=capped_count > COUNT_CAP,
    )
