"""Keyset (seek) pagination: constant time at any depth, no COUNT over the table.

The cursor is the sort value and id of the last row shown, signed so it cannot be forged into
a different query. The total is counted only up to a cap, which stays cheap on a million rows.
"""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.core import signing
from django.db.models import Count, F, QuerySet, Window
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils.translation import gettext_lazy as _

COUNT_CAP = 10_000
# A fuzzy name search counts its matches for the screen only; a thousand says enough.
SEARCH_COUNT_CAP = 1_000
SALT = "pmks.pagination"
# The rows a list page can show; the first when the user chose none.
PAGE_SIZES = (25, 50, 100)


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    has_previous: bool
    count: int
    count_capped: bool


def _encode(value):
    if isinstance(value, date):
        value = value.isoformat()
    return value


def cursor_for(value, pk: int, *, count: int | None = None, count_capped: bool = False) -> str:
    """The signed cursor of the row (value, pk): the page after it starts with the next row.

    The first page's capped count rides along, so the pages after it show the same count
    without counting again: a filter that matches few rows in a million (a rare category
    province-wide) can cost a scan of the table to count, on every page otherwise.
    """
    payload = [_encode(value), pk]
    if count is not None:
        payload += [count, count_capped]
    return signing.dumps(payload, salt=SALT)


def _read_cursor(cursor: str):
    """(value, pk, count or None, count_capped); BadSignature, ValueError or TypeError if the
    cursor is not one this module signed."""
    payload = signing.loads(cursor, salt=SALT)
    value, pk, *counted = payload
    count, count_capped = counted if counted else (None, False)
    if count is not None and not isinstance(count, int):
        raise TypeError("a cursor's count is a number")
    return value, pk, count, bool(count_capped)


def _cursor_filter(field: str, descending: bool, value, pk):
    """`(field, id) < (value, pk)` as one row-value comparison, which PostgreSQL seeks with the
    (field, id) index; the equivalent `field < v OR (field = v AND id < pk)` cannot be, and a
    deep page read and discarded every row before it (110,503 rows at a million cases). Django's
    tuple lookups (made for composite keys) write it; SQLite understands row values too."""
    comparison = TupleLessThan if descending else TupleGreaterThan
    return comparison(Tuple(F(field), F("pk")), (value, pk))


def _rows_by_ids(queryset, ordered, limit: int, *, count: bool) -> tuple[list, int | None]:
    """The first `limit` rows of `ordered`, picked by id first (see keyset_page's ids_first),
    and with `count` the number of rows it matches (counted in the same statement)."""
    if count:
        picked = list(
            ordered.annotate(matching=Window(Count("pk"))).values_list("pk", "matching")[:limit]
        )
        ids, counted = [pk for pk, _matching in picked], (picked[0][1] if picked else 0)
    else:
        ids, counted = list(ordered.values_list("pk", flat=True)[:limit]), None
    rows = list(queryset.filter(pk__in=ids).order_by(*ordered.query.order_by)) if ids else []
    return rows, counted


def keyset_page(
    queryset: QuerySet,
    *,
    field: str,
    descending: bool,
    cursor: str | None,
    size: int,
    count_cap: int = COUNT_CAP,
    ids_first: bool = False,
) -> Page:
    """One page of `queryset` ordered by (field, id); `cursor` is the previous page's last row.

    ids_first: for a queryset whose rows are chosen by a list of ids rather than walked in
    index order (a name search: the cases of a thousand persons), pick the page's ids from the
    table alone, with the count of all matching rows beside them, then fetch the page's rows
    by id. Otherwise the planner joins every matching row to its person, category and places
    before it sorts them and keeps a page (1,060 rows joined for 26 kept), and the count reads
    the same rows again: ~25 ms of a search at a million cases. That count is of every
    matching row (such a queryset has a few thousand at most), then capped as any other."""
    prefix = "-" if descending else ""
    ordered = queryset.order_by(f"{prefix}{field}", f"{prefix}pk")
    count = None
    count_capped = False
    if cursor:
        try:
            value, pk, count, count_capped = _read_cursor(cursor)
            ordered = ordered.filter(_cursor_filter(field, descending, value, pk))
        except (signing.BadSignature, ValueError, TypeError):
            cursor, count, count_capped = None, None, False
    if ids_first:
        rows, counted = _rows_by_ids(queryset, ordered, size + 1, count=count is None)
        if counted is not None:
            count, count_capped = min(counted, count_cap), counted > count_cap
    else:
        rows = list(ordered[: size + 1])
    has_next = len(rows) > size
    rows = rows[:size]
    if count is None:
        counted = queryset.order_by()[: count_cap + 1].count()
        count, count_capped = min(counted, count_cap), counted > count_cap
    next_cursor = None
    if has_next:
        last = rows[-1]
        next_cursor = cursor_for(
            getattr(last, field), last.pk, count=count, count_capped=count_capped
        )
    return Page(
        rows=rows,
        next_cursor=next_cursor,
        has_previous=bool(cursor),
        count=count,
        count_capped=count_capped,
    )


class PageSizeField(forms.TypedChoiceField):
    """A list filter's choice of how many rows a page shows (one of PAGE_SIZES)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Rows per page"))
        super().__init__(
            choices=[(size, str(size)) for size in PAGE_SIZES],
            coerce=int,
            required=False,
            **kwargs,
        )


def chosen_page_size(form) -> int:
    """The rows per page chosen in a list's filter form (its `size` field), else the first."""
    size = form.cleaned_data.get("size") if form.is_bound and form.is_valid() else None
    return size or PAGE_SIZES[0]
