"""Which pairs of current person records the three rules of issue #14 suspect:

* NIKs one digit apart and the same date of birth (a typing slip in the NIK);
* the same family card (KK) and a similar name (one family member registered twice);
* a similar name, the same date of birth and the same village (no NIK, two teams).

`candidates_for(person)` answers for one person in one query (on each save); `all_pairs()`
walks the whole registry for the nightly run, in birth-date and KK order, comparing only
records that share a birth date or a KK, so its cost follows the registry's size, not its
square: NIK slips are looked up among the day's NIKs by their 144 one-digit variants, names
are compared within one family's records, or one village's records of one birth day whose
names start with the same letter (Rudi and Rudy; a slip in the first letter is not found).

A birth date estimated from an age (1 July of the year) is not a date of birth: two persons of
the same age share it by construction, so it takes part in no birth-date rule.
"""

from collections import defaultdict
from collections.abc import Iterator
from itertools import combinations, groupby

from django.db.models import Q

from cases.duplicates import similar_names
from cases.models import Person
from cases.nik import one_digit_variants
from duplicates.models import Rule

FIELDS = ("pk", "nik", "kk_number", "name", "birth_date", "birth_date_is_estimate", "village_id")


def _one_digit_apart(a: str | None, b: str | None) -> bool:
    if not (a and b) or len(a) != len(b):
        return False
    return sum(x != y for x, y in zip(a, b, strict=True)) == 1


def rules_for(a: dict, b: dict) -> list[str]:
    """The rules two persons' values (dicts of FIELDS) meet, in Rule order."""
    same_day = (
        a["birth_date"] is not None
        and a["birth_date"] == b["birth_date"]
        and not (a["birth_date_is_estimate"] or b["birth_date_is_estimate"])
    )
    rules = []
    if same_day and _one_digit_apart(a["nik"], b["nik"]):
        rules.append(Rule.NIK_ONE_DIGIT.value)
    similar = similar_names(a["name"], b["name"])
    if a["kk_number"] and a["kk_number"] == b["kk_number"] and similar:
        rules.append(Rule.SAME_KK.value)
    if same_day and a["village_id"] and a["village_id"] == b["village_id"] and similar:
        rules.append(Rule.NAME_BIRTH_VILLAGE.value)
    return rules


def _values(person: Person) -> dict:
    return {
        "pk": person.pk,
        "nik": person.nik,
        "kk_number": person.kk_number,
        "name": person.name,
        "birth_date": person.birth_date,
        "birth_date_is_estimate": person.birth_date_is_estimate,
        "village_id": person.village_id,
    }


def candidates_for(person: Person) -> list[tuple[int, list[str]]]:
    """(other person's id, rules) for every current record suspected to be this person."""
    if person.merged_into_id:
        return []
    mine = _values(person)
    near = Q(pk__in=[])
    dated = person.birth_date and not person.birth_date_is_estimate
    if person.nik and dated:
        near |= Q(nik__in=one_digit_variants(person.nik), birth_date=person.birth_date)
    if person.kk_number:
        near |= Q(kk_number=person.kk_number)
    if dated and person.village_id:
        near |= Q(birth_date=person.birth_date, village_id=person.village_id)
    others = Person.objects.current().exclude(pk=person.pk).filter(near).values(*FIELDS)
    found = [(other["pk"], rules_for(mine, other)) for other in others]
    return [(pk, rules) for pk, rules in found if rules]


def _pairs_within(group: list[dict]) -> Iterator[tuple[int, int, list[str]]]:
    for a, b in combinations(group, 2):
        rules = rules_for(a, b)
        if rules:
            yield min(a["pk"], b["pk"]), max(a["pk"], b["pk"]), rules


def _same_day_pairs(day: list[dict]) -> Iterator[tuple[int, int, list[str]]]:
    by_nik = {row["nik"]: row for row in day if row["nik"]}
    by_village = defaultdict(list)
    for row in day:
        if row["village_id"] and row["name"]:
            by_village[row["village_id"], row["name"][0].casefold()].append(row)
    for row in by_nik.values():
        for variant in one_digit_variants(row["nik"]):
            other = by_nik.get(variant)
            if other and row["pk"] < other["pk"]:
                yield row["pk"], other["pk"], rules_for(row, other)
    for village in by_village.values():
        yield from _pairs_within(village)


def all_pairs() -> dict[tuple[int, int], list[str]]:
    """Every suspected pair of current records: {(smaller id, larger id): rules}."""
    pairs: dict[tuple[int, int], set[str]] = defaultdict(set)
    current = Person.objects.current()
    dated = (
        current.exclude(birth_date=None)
        .exclude(birth_date_is_estimate=True)
        .order_by("birth_date", "pk")
        .values(*FIELDS)
    )
    for _day, rows in groupby(dated.iterator(chunk_size=5000), key=lambda row: row["birth_date"]):
        for first, second, rules in _same_day_pairs(list(rows)):
            pairs[first, second].update(rules)
    families = current.exclude(kk_number="").order_by("kk_number", "pk").values(*FIELDS)
    for _kk, rows in groupby(families.iterator(chunk_size=5000), key=lambda row: row["kk_number"]):
        for first, second, rules in _pairs_within(list(rows)):
            pairs[first, second].update(rules)
    order = list(Rule.values)
    return {pair: sorted(rules, key=order.index) for pair, rules in pairs.items()}
