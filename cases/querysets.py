"""Which rows: scoping, filters and the joins that list and detail pages need."""

import re

from django.db import connections, models
from django.db.models import Q

from cases.nik import normalise_number
from pmks_portal import access


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        return access.scope_records(self, user, "regency")

    def current(self):
        """Persons not merged into another record."""
        return self.filter(merged_into__isnull=True)


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        return access.scope_records(self, user, "regency")

    def for_list(self):
        return self.select_related("person", "category", "regency", "district", "village")

    def for_detail(self):
        return self.for_list().select_related("pasung", "street_child", "sex_work", "created_by")

    def matching(self, text: str):
        """Cases whose person has this NIK or KK number, or a name like this one.

        The persons are found first, through their own indexes, and the cases by person: far
        cheaper at a million cases than testing the name on every case row. On PostgreSQL the
        name match tolerates spelling (pg_trgm word similarity, GIN-indexed; the threshold is
        set with the connection in settings); on SQLite every word typed must be in the name.
        """
        from cases.models import Person

        digits = normalise_number(text)
        if re.fullmatch(r"\d{16}", digits):
            persons = Person.objects.filter(Q(nik=digits) | Q(kk_number=digits))
        elif connections[self.db].vendor == "postgresql":
            typed = text.strip()
            persons = Person.objects.filter(
                Q(name__icontains=typed) | Q(name__trigram_word_similar=typed)
            )
        else:
            persons = Person.objects.all()
            for word in text.split():
                persons = persons.filter(name__icontains=word)
        return self.filter(person__in=persons.values("pk"))

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
