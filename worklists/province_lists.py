"""The provincial officers' worklists: which regencies are behind, and by how much. One
grouped query each; a row per regency, linked to the page where the detail is."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kube.models import Kube
from pmks_portal.access import Capability
from rakornis.models import FollowUp
from worklists.regency_lists import ImportsWaiting, groups_missing_report, last_month
from worklists.registry import Row, Worklist


def _by_regency(queryset):
    return (
        queryset.filter(regency__isnull=False)
        .values("regency_id", "regency__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "regency__name")
    )


class RegenciesLateWithKubeReports(Worklist):
    key = "regencies-kube-late"
    label = _("Regencies late with KUBE reports")
    description = _("Regencies whose groups have not all reported for last month.")
    capability = Capability.VIEW_PROVINCE_DASHBOARD

    def items(self, user, today):
        return _by_regency(groups_missing_report(Kube.objects.visible_to(user), last_month(today)))

    def row(self, item):
        count = item["n"]
        note = ngettext("%(count)d group", "%(count)d groups", count) % {"count": count}
        return Row(item["regency__name"], reverse("kube:completeness"), note)

    def url(self):
        return reverse("kube:completeness")


class FollowUpsOverdueByRegency(Worklist):
    key = "regencies-follow-ups-late"
    label = _("Rakornis follow-ups overdue, by regency")
    description = _("Open follow-ups past their due date, counted per responsible regency.")
    capability = Capability.VIEW_PROVINCE_DASHBOARD

    def items(self, user, today):
        return _by_regency(FollowUp.objects.visible_to(user).overdue(today))

    def row(self, item):
        count = item["n"]
        note = ngettext("%(count)d overdue", "%(count)d overdue", count) % {"count": count}
        return Row(item["regency__name"], reverse("rakornis:follow-ups"), note)

    def url(self):
        return reverse("rakornis:follow-ups")


class ProvinceImportsWaiting(ImportsWaiting):
    key = "province-imports"
    label = _("Province-wide imports waiting to be saved")
    description = _("Files for the whole province, checked and waiting for you to save them.")
    capability = Capability.IMPORT_PROVINCE
    detail_url = "cases:province-import-detail"

    def items(self, user, today):
        return self.checked(user).filter(regency__isnull=True)
