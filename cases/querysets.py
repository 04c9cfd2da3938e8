"""Which rows: scoping, filters and the joins that list and detail pages need."""

import re

from django.db import connections, models
from django.db.models import Exists, F, Func, OuterRef, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable

from cases import name_search
from cases.nik import normalise_number
from pmks_portal import access, choices_cache
from pmks_portal.pagination import SEARCH_COUNT_CAP

# One more person than the list counts cases: when the cap cuts persons off, their cases
# number more than SEARCH_COUNT_CAP too, and the list says "more than" truthfully.
SEARCH_PERSON_CAP = SEARCH_COUNT_CAP + 1


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        return access.scope_records(self, user, "regency")

    def current(self):
        """Persons not merged into another record."""
        return self.filter(merged_into__isnull=True)


def reference_records(*, fresh: bool = False) -> tuple[dict, dict]:
    """Every category by id and every region by code, kept in this process (choices_cache);
    `fresh`: read again now."""
    from cases.models import Category
    from regions.models import Region

    categories = choices_cache.cached_records(
        "categories", lambda: {c.pk: c for c in Category.objects.all()}, fresh=fresh
    )
    regions = choices_cache.cached_records(
        "regions", lambda: {r.code: r for r in Region.objects.all()}, fresh=fresh
    )
    return categories, regions


class CasesWithReference(ModelIterable):
    """Cases with their category, regency, district and village set from reference_records(),
    as select_related would set them. Joined instead, those four small tables cost PostgreSQL
    about 6 ms of planning for every page of the case list (a seven-table join; 0.5 ms with
    the person alone, at a million cases: #13), more than running the query. The records are
    shared between requests: pages read them and never change them."""

    def __iter__(self):
        categories = regions = None
        for case in super().__iter__():
            if categories is None:
                categories, regions = reference_records()
            if case.category_id not in categories or not all(
                code in regions
                for code in (case.regency_id, case.district_id, case.village_id)
                if code
            ):
                # Added where forget() was not called (a migration, the shell): read them now.
                categories, regions = reference_records(fresh=True)
            # What select_related leaves in the instance's cache of related records.
            case._state.fields_cache.update(
                category=categories[case.category_id],
                regency=regions[case.regency_id],
                district=regions.get(case.district_id),
                village=regions.get(case.village_id),
            )
            yield case


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        return access.scope_records(self, user, "regency")

    def for_list(self):
        """Cases with their person joined and their reference records attached."""
        cases = self.select_related("person")
        cases._iterable_class = CasesWithReference
        return cases

    def for_detail(self):
        return self.for_list().select_related("pasung", "street_child", "sex_work", "created_by")

    def matching(self, text: str):
        """Cases whose person has this NIK or KK number, or a name like this one.

        Apply it after the other filters: a name picks persons among those with a case in this
        queryset, at most SEARCH_PERSON_CAP of them, the closest names first, then their cases.
        A common single name ("Siti") matches tens of thousands of persons in a million: the
        cap keeps the search as fast as a rare name, and the list then says "more than 1,000
        cases", which asks for more of the name. On PostgreSQL a name tolerates spelling
        (cases/name_search.py) and its persons are fetched here, once, for both the page and
        its count; on SQLite (the demo) the same spellings are found by a function of the
        connection (name_search.name_matches), which tests every name in scope.
        """
        from cases.models import Person

        digits = normalise_number(text)
        if re.fullmatch(r"\d{16}", digits):
            persons = Person.objects.filter(Q(nik=digits) | Q(kk_number=digits))
            return self.filter(person__in=persons.values("pk"))
        if connections[self.db].vendor == "postgresql":
            ids = name_search.closest_person_ids(self, text, SEARCH_PERSON_CAP)
            # IN (SELECT unnest(...)), not IN (1, 2, ...): with the ids as a list the planner
            # prefers walking every case in date order, testing each one's person (measured
            # 43 ms against 2.4 ms for a thousand persons at a million cases).
            return self.filter(person__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
        words = name_search.typed_words(text)
        if not words:
            return self.none()
        persons = Person.objects.filter(Exists(self.filter(person=OuterRef("pk")))).filter(
            Func(
                F("name"),
                Value(" ".join(words)),
                function=name_search.SQLITE_FUNCTION,
                output_field=models.BooleanField(),
            )
        )
        return self.filter(person__in=persons.order_by("pk").values("pk")[:SEARCH_PERSON_CAP])

    def open_against_target(self, programme: str | None = None):
        from cases.targets import open_against_target_q

        return self.filter(open_against_target_q(programme))


class ImportBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        return access.scope_records(self, user, "regency")


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Attachments of the cases the user may read: scoped by the case's regency."""
        return access.scope_records(self, user, "case__regency")

    def for_list(self):
        return self.select_related("uploaded_by")
