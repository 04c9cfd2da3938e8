"""The worklists of "Tugas saya": a small registry of providers, each a selector scoped by
pmks_portal.access that answers which items wait for a user, how many, and where they are.

The providers are listed by dotted path in settings.PMKS_WORKLISTS, so another app adds its
own (DTSEN reconciliation items, say) by subclassing Worklist and appending its path. Each
applicable list costs two queries (its count and its first rows), whatever the number of
items: the page and the digest never run a query per item.
"""

from dataclasses import dataclass
from datetime import date
from functools import cache

from django.conf import settings
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from pmks_portal import access
from pmks_portal.access import Capability


@dataclass(frozen=True)
class Row:
    """One item as the page lists it: what, where, and a short note (a date, a count)."""

    label: str
    url: str
    note: str = ""


class Worklist:
    """A kind of work. Subclasses set the class attributes and `items`/`row`."""

    key: str = ""
    label: str | Promise = ""
    description: str | Promise = ""
    capability: Capability = Capability.WRITE_RECORDS

    def applies_to(self, user) -> bool:
        return access.can(user, self.capability)

    def items(self, user, today: date):
        """A queryset (or values queryset) of what waits for the user, the most urgent first."""
        raise NotImplementedError

    def row(self, item) -> Row:
        raise NotImplementedError

    def url(self) -> str:
        """Where the whole list is: the portal's own list when one shows exactly these items,
        else the worklist's page."""
        return reverse("worklists:detail", args=[self.key])


@dataclass
class Result:
    worklist: Worklist
    count: int
    rows: list[Row]

    @property
    def more(self) -> bool:
        return self.count > len(self.rows)


@cache
def _registered() -> tuple[Worklist, ...]:
    return tuple(import_string(path)() for path in settings.PMKS_WORKLISTS)


def worklists_for(user) -> list[Worklist]:
    return [worklist for worklist in _registered() if worklist.applies_to(user)]


def worklist_named(key: str) -> Worklist | None:
    return next((worklist for worklist in _registered() if worklist.key == key), None)


def collect(worklist: Worklist, user, today: date, *, limit: int) -> Result:
    """The count and first `limit` rows of one list: two queries (one when limit is 0)."""
    items = worklist.items(user, today)
    count = items.count()
    rows = [worklist.row(item) for item in items[:limit]] if limit and count else []
    return Result(worklist, count, rows)
