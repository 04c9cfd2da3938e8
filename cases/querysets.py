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

        On PostgreSQL the name match tolerates spelling: pg_trgm similarity of the whole name or
        word similarity to a part of it, both served by the GIN trigram index. On SQLite every
        word typed must appear in the name.
        """
        digits = normalise_number(text)
        if re.fullmatch(r"\d{16}", digits):
            return self.filter(Q(person__nik=digits) | Q(person__kk_number=digits))
        words = text.split()
        if connections[self.db].vendor == "postgresql":
            typed = text.strip()
            return self.filter(
                Q(person__name__icontains=typed)
                | Q(person__name__trigram_similar=typed)
                | Q(person__name__trigram_word_similar=typed)
            )
        matched = self
        for word in words:
            matched = matched.filter(person__name__icontains=word)
        return matched

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
