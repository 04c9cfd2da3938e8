"""Finding a person who may already be registered: same NIK, a NIK one digit off, or a similar
name with the same birth date."""

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from cases.models import Person
from cases.nik import one_digit_variants

NAME_SIMILARITY = 0.8
MAX_CANDIDATES = 10


@dataclass
class DuplicateReport:
    exact: Person | None = None
    near: list[Person] = field(default_factory=list)


def similar_names(a: str, b: str) -> bool:
    """Names alike enough to be one person's, spelled twice (Rudi and Rudy Hartono)."""
    matcher = SequenceMatcher(None, a.casefold(), b.casefold())
    # The cheap upper bounds first (same answer): the nightly run compares many names.
    return (
        matcher.real_quick_ratio() >= NAME_SIMILARITY
        and matcher.quick_ratio() >= NAME_SIMILARITY
        and matcher.ratio() >= NAME_SIMILARITY
    )


def find_duplicates(*, nik: str | None, name: str, birth_date, exclude_pk=None) -> DuplicateReport:
    """Across the whole registry, whatever the user's scope: the caller decides what to reveal."""
    persons = Person.objects.current()
    if exclude_pk:
        persons = persons.exclude(pk=exclude_pk)
    report = DuplicateReport()
    if nik:
        report.exact = persons.filter(nik=nik).first()
        report.near.extend(persons.filter(nik__in=one_digit_variants(nik))[:MAX_CANDIDATES])
    if birth_date and name:
        same_day = persons.filter(birth_date=birth_date).only("pk", "name", "regency_id", "nik")
        report.near.extend(p for p in same_day[:200] if similar_names(p.name, name))
    seen, unique = set(), []
    for person in report.near:
        if person.pk not in seen and (report.exact is None or person.pk != report.exact.pk):
            seen.add(person.pk)
            unique.append(person)
    report.near = unique[:MAX_CANDIDATES]
    return report
