"""The registry's side of the row checks: categories (with their aliases), the province's
regions, status words and the regency's open cases without NIK."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.importing.values import CLOSE_WORDS, EXAMPLE_NAME, STATUS_WORDS, as_words, name_key
from cases.models import Case, CaseStatus, Category, CategoryAlias, CloseReason, Person
from regions.models import Region


@dataclass
class Reference:
    """What rows are checked against, loaded in bulk once per check or commit."""

    regency: Region
    categories: dict[str, Category]
    inactive_categories: dict[str, Category]
    regions: dict[str, Region]
    statuses: dict[str, str]
    close_reasons: dict[str, str]
    # Open cases of persons without NIK in this regency: (name, birth date, category) -> case.
    nikless_open_cases: dict[tuple, int]
    example_names: set[str]
    today: date


def _choice_words(choices, extra: dict) -> dict[str, str]:
    words: dict[str, str] = {}
    for lang, _name in settings.LANGUAGES:
        with translation.override(lang):
            for value, label in choices:
                words[as_words(label)] = value
    for value, _label in choices:
        words[as_words(value)] = value
    for value, synonyms in extra.items():
        for synonym in synonyms:
            words[as_words(synonym)] = value
    return words


def load_reference(regency: Region, *, today: date | None = None) -> Reference:
    """Categories, regions of the province, statuses and open NIK-less cases: a query each."""
    categories: dict[str, Category] = {}
    inactive: dict[str, Category] = {}
    by_pk = {}
    for category in Category.objects.all():
        by_pk[category.pk] = category
        target = categories if category.is_active else inactive
        target.setdefault(as_words(category.code), category)
        target.setdefault(as_words(category.name), category)
    for alias, category_id in CategoryAlias.objects.values_list("alias", "category_id"):
        category = by_pk[category_id]
        target = categories if category.is_active else inactive
        target.setdefault(as_words(alias), category)
    province = regency.code.split(".")[0]
    regions = {
        region.code: region
        for region in Region.objects.filter(
            Q(code=province) | Q(code__startswith=f"{province}.")
        ).only("code", "level", "name", "is_active", "parent_id")
    }
    # Two plain queries joined here: a join in SQL gets a nested-loop plan from PostgreSQL when
    # its statistics lag behind a large import (seconds per thousand cases).
    nikless_persons = {
        pk: (name_key(name), birth_date)
        for pk, name, birth_date in Person.objects.filter(
            regency=regency, nik__isnull=True, merged_into__isnull=True
        ).values_list("pk", "name", "birth_date")
    }
    nikless = {}
    open_cases = (
        Case.objects.filter(regency=regency)
        .exclude(status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED])
        .values_list("person_id", "category_id", "pk")
    )
    for person_id, category_id, pk in open_cases.iterator(chunk_size=5000):
        person = nikless_persons.get(person_id)
        if person is not None:
            nikless[(*person, category_id)] = pk
    examples = set()
    for lang, _name in settings.LANGUAGES:
        with translation.override(lang):
            examples.add(name_key(_(EXAMPLE_NAME)))
    return Reference(
        regency=regency,
        categories=categories,
        inactive_categories=inactive,
        regions=regions,
        statuses=_choice_words(CaseStatus.choices, STATUS_WORDS),
        close_reasons=_choice_words(CloseReason.choices, CLOSE_WORDS),
        nikless_open_cases=nikless,
        example_names=examples,
        today=today or timezone.localdate(),
    )
