"""Which rows: scoping, filters and the joins that list and detail pages need."""

from django.db import models

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
        return self.for_list().select_related(
            "pasung", "street_child", "sex_work", "created_by"
        )

    def open_against_target(self, programme: str | None = None):
        from cases.targets import open_against_target_q

        return self.filter(open_against_target_q(programme))


class ImportBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        return access.scope_records(self, user, "regency")
