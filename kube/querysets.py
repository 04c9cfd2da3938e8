"""Which rows: KUBE scoped by regency through pmks_portal.access, and the joins pages need."""

from datetime import date

from django.db import models
from django.db.models import Q

from pmks_portal import access


class KubeQuerySet(models.QuerySet):
    def visible_to(self, user):
        return access.scope_records(self, user, "regency")

    def active(self):
        return self.filter(status="active")

    def in_regency(self, regency_code: str | None):
        return self if regency_code is None else self.filter(regency_id=regency_code)

    def for_list(self):
        return self.select_related("regency", "district", "business_type")

    def for_detail(self):
        return self.select_related(
            "regency", "district", "village", "business_type", "pendamping_user"
        )

    def expecting_report_for(self, month: date):
        """Groups from which a report for `month` is expected (DHIS2's expected reports)."""
        return self.filter(reporting_from__lte=month).filter(
            Q(reporting_until__isnull=True) | Q(reporting_until__gte=month)
        )

    def matching(self, text: str):
        """Groups whose name or registration number contains every word typed."""
        matched = self
        for word in text.split():
            matched = matched.filter(
                Q(name__icontains=word) | Q(registration_number__icontains=word)
            )
        return matched


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The partner directory is province-wide: everyone who reads records reads it."""
        if not access.can(user, access.Capability.READ_RECORDS):
            return self.none()
        return self
