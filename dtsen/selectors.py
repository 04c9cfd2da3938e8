"""DTSEN reads for other pages: the latest version, a person's decile, open items and counts.

The worklist always means the latest loaded version's items: an earlier version's items are its
history, kept with it.
"""

from django.db.models import Count, Subquery

from dtsen.models import Entry, Extract, ItemKind, WorklistItem
from pmks_portal import access, cache

# The dashboards' counts are cached until an item moves or a version is loaded (forget_counts):
# the dashboards' query budget (six) has no room for them.
COUNTS_VERSION_KEY = "dtsen:counts:version"
COUNTS_TIMEOUT = 3600


def latest_extract() -> Extract | None:
    return Extract.objects.latest_loaded()


def current_items():
    """The items of the latest loaded version (none before the first is loaded); the version
    is a subquery, so that a dashboard's counts are one query."""
    latest = Extract.objects.loaded().order_by("-year", "-quarter", "-id").values("pk")[:1]
    return WorklistItem.objects.filter(extract=Subquery(latest))


def open_items_for(user):
    """The open items (baru, diproses) the user may see, oldest first: for a "my tasks" page.
    Regency staff get their regency's; officers the province's."""
    return current_items().visible_to(user).open().for_list().order_by("created_at", "pk")


def open_item_counts(user_or_regency) -> dict[str, int]:
    """Open items by kind, and their total ("total"): for a user, those in the user's scope; for
    a regency code (a dashboard's regency), that regency's; for None, the province's."""
    if hasattr(user_or_regency, "is_authenticated"):
        scope = f"user:{user_or_regency.pk}"
    else:
        scope = f"regency:{user_or_regency or '*'}"
    version = cache.get(COUNTS_VERSION_KEY, 0)
    return cache.get_or_set(
        f"dtsen:counts:{version}:{scope}",
        lambda: _open_item_counts(user_or_regency),
        COUNTS_TIMEOUT,
    )


def _open_item_counts(user_or_regency) -> dict[str, int]:
    items = current_items().open()
    if hasattr(user_or_regency, "is_authenticated"):
        items = items.visible_to(user_or_regency)
    elif user_or_regency is not None:
        items = items.filter(regency_id=user_or_regency)
    counts = {kind.value: 0 for kind in ItemKind}
    for row in items.values("kind").annotate(count=Count("pk")).order_by():
        counts[row["kind"]] = row["count"]
    counts["total"] = sum(counts.values())
    return counts


def forget_counts() -> None:
    """After an item's change or a version's load commits, the next dashboard counts again."""
    cache.incr(COUNTS_VERSION_KEY)


def decile_of(person, user) -> tuple[Entry, Extract] | None:
    """The person's row in the latest version, if the user may read the person at all."""
    if not person.nik or not access.can(user, access.Capability.READ_RECORDS):
        return None
    latest = latest_extract()
    if latest is None:
        return None
    entry = Entry.objects.filter(extract=latest, nik=person.nik).only("decile", "status").first()
    return (entry, latest) if entry else None
