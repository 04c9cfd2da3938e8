"""The reconciliation worklist of one DTSEN version (issue #15 point 3), computed from a few
set-based queries, never one per person:

(a) a person with an open PMKS case whose NIK is not in DTSEN: propose them at the village
    deliberation (musdes/muskel). Persons without a NIK are left out: DTSEN takes no one
    without one (their case first needs a NIK from Dukcapil);
(b) a current KUBE member whose household is in decile 6 or above: verify eligibility;
(c) a person with an open case whom DTSEN marks deceased or moved: close or transfer the case;
(d) NIK, KK or name disagreements: the NIK found with another KK or name, or no NIK match but
    someone of the same KK and name under another NIK: check the data.

Work done on the previous version's items carries over: an item found again keeps its status,
owner and reason (its history stays with the earlier item), so a new quarter does not reopen
what the staff already settled.
"""

from django.db.models import Exists, OuterRef

from cases.importing.values import name_key
from cases.models import Case, Person
from cases.targets import OPEN_STATUSES
from dtsen.models import Entry, Extract, ItemKind, WorklistItem
from kube.models import KubeMember
from pmks_portal.names import clean_name

BATCH_SIZE = 5000
DEPARTED = ("meninggal", "pindah")
HIGH_DECILE = 6  # Kepmensos 79/HUK/2025: PKH to deciles 1-4, Sembako/PBI-JK to 1-5.


def same_name(first: str, second: str) -> bool:
    return name_key(clean_name(first)) == name_key(clean_name(second))


def _persons(condition):
    return (
        Person.objects.current()
        .filter(condition)
        .values_list("pk", "nik", "kk_number", "name", "regency_id", "village_id")
    )


def _entries(extract: Extract, **lookup) -> list[Entry]:
    return list(
        Entry.objects.filter(extract=extract, **lookup).only(
            "pk", "nik", "kk_number", "name", "decile", "status", "village_code"
        )
    )


def findings(extract: Extract) -> list[WorklistItem]:
    """The items of this version, unsaved."""
    with_open_case = _persons(
        Exists(Case.objects.filter(person=OuterRef("pk"), status__in=OPEN_STATUSES))
    )
    in_kube = _persons(Exists(KubeMember.objects.filter(person=OuterRef("pk"), is_current=True)))
    by_nik = {
        entry.nik: entry
        for entry in _entries(
            extract, nik__in=(with_open_case | in_kube).filter(nik__isnull=False).values("nik")
        )
    }
    by_kk: dict[str, list[Entry]] = {}
    for entry in _entries(
        extract, kk_number__in=(with_open_case | in_kube).exclude(kk_number="").values("kk_number")
    ):
        by_kk.setdefault(entry.kk_number, []).append(entry)

    items: dict[tuple[str, int], WorklistItem] = {}

    def add(kind, person, entry=None, fields=()):
        pk, _nik, _kk, _name, regency, village = person
        items.setdefault(
            (kind, pk),
            WorklistItem(
                extract=extract,
                kind=kind,
                person_id=pk,
                entry=entry,
                regency_id=regency,
                village_id=village,
                fields=list(fields),
            ),
        )

    def compare(person) -> Entry | None:
        """The person's DTSEN row by NIK, after noting what disagrees with it (d)."""
        _pk, nik, kk, name, _regency, _village = person
        entry = by_nik.get(nik) if nik else None
        if entry is None:
            namesake = next((row for row in by_kk.get(kk, []) if same_name(row.name, name)), None)
            if namesake is not None:
                add(ItemKind.DATA_MISMATCH, person, namesake, ["nik"])
            return None
        differ = [
            field
            for field, agrees in (
                ("kk_number", not kk or kk == entry.kk_number),
                ("name", same_name(name, entry.name)),
            )
            if not agrees
        ]
        if differ:
            add(ItemKind.DATA_MISMATCH, person, entry, differ)
        return entry

    for person in with_open_case.iterator(chunk_size=BATCH_SIZE):
        entry = compare(person)
        if entry is None:
            if person[1] and (ItemKind.DATA_MISMATCH, person[0]) not in items:
                add(ItemKind.NOT_IN_DTSEN, person)
        elif entry.status in DEPARTED:
            add(ItemKind.DECEASED_OR_MOVED, person, entry)
    for person in in_kube.iterator(chunk_size=BATCH_SIZE):
        entry = compare(person)
        if entry is not None and entry.decile >= HIGH_DECILE:
            add(ItemKind.KUBE_DECILE, person, entry)
    return list(items.values())


def _carry_over(extract: Extract, items: list[WorklistItem]) -> None:
    previous = (
        Extract.objects.loaded().exclude(pk=extract.pk).order_by("-year", "-quarter", "-id").first()
    )
    if previous is None:
        return
    earlier = {
        (kind, person): (status, owner, reason)
        for kind, person, status, owner, reason in WorklistItem.objects.filter(
            extract=previous
        ).values_list("kind", "person_id", "status", "owner_id", "reason")
    }
    for item in items:
        found = earlier.get((item.kind, item.person_id))
        if found:
            item.status, item.owner_id, item.reason = found


def worklist_recompute(extract: Extract) -> dict[str, int]:
    """Writes this version's worklist (in the caller's transaction); its counts by kind."""
    WorklistItem.objects.filter(extract=extract).delete()
    items = findings(extract)
    _carry_over(extract, items)
    WorklistItem.objects.bulk_create(items, batch_size=BATCH_SIZE)
    counts = {kind.value: 0 for kind in ItemKind}
    for item in items:
        counts[item.kind] += 1
    return counts
