"""Which rows: scope through pmks_portal/access.py, and the joins the pages need."""

from django.db import models

from pmks_portal import access


class ExtractQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Province-wide files: seen by those who import them (officers, administrators)."""
        return self if access.can(user, access.Capability.IMPORT_DTSEN) else self.none()

    def loaded(self):
        return self.filter(status="loaded")

    def latest_loaded(self):
        """The current DTSEN version: the latest quarter loaded (the last upload of it)."""
        return self.loaded().order_by("-year", "-quarter", "-id").first()


class WorklistItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        return access.scope_records(self, user, "regency")

    def open(self):
        return self.filter(status__in=("baru", "diproses"))

    def for_list(self):
        return self.select_related("person", "regency", "village", "owner", "extract")
