"""The worklists of the people who do the work: the regency's staff, and whoever merges
persons or answers the province's own Rakornis follow-ups."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import (
    BooleanField,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from cases.models import Case, ImportBatch, Intervention, PasungEvent, PasungStatus, Programme
from cases.targets import OPEN_STATUSES
from duplicates.models import SuspectedPair
from kube.models import Kube, KubeReport, add_months, first_of_month
from pmks_portal import access
from pmks_portal.access import Capability
from rakornis.models import FollowUp
from worklists.registry import Row, Worklist

# A Rakornis follow-up shows from this many days before its due date (as the reminders do).
FOLLOW_UP_SOON_DAYS = 7


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def contact_days(programme: str) -> int:
    """After how many days without contact a case of this programme waits for a visit."""
    days = settings.PMKS_CONTACT_DAYS
    return days.get(programme, days[""])


class CasesWithoutContact(Worklist):
    key = "no-contact"
    label = _("Cases without contact")
    description = _(
        "Open cases with no intervention, status change or registration for longer than "
        "their programme allows."
    )

    def items(self, user, today):
        last_intervention = Subquery(
            Intervention.objects.filter(case=OuterRef("pk")).order_by("-date").values("date")[:1],
            output_field=DateField(),
        )
        overdue = Q()
        for programme in ["", *Programme.values]:
            since = today - timedelta(days=contact_days(programme))
            overdue |= Q(programme=programme, last_contact__lt=since)
        return (
            Case.objects.visible_to(user)
            .filter(status__in=OPEN_STATUSES)
            .annotate(
                last_contact=Greatest(
                    F("status_changed_on"), Coalesce(last_intervention, F("registered_on"))
                )
            )
            .filter(overdue)
            .select_related("person", "category")
            .order_by("last_contact", "pk")
        )

    def row(self, case):
        return Row(
            f"{case.person.name} · {case.category.name}",
            reverse("cases:detail", args=[case.pk]),
            _("last contact %(day)s") % {"day": _day(case.last_contact)},
        )


class PasungVisitsDue(Worklist):
    key = "pasung-visits"
    label = _("Pasung follow-up visits due")
    description = _(
        "People released from pasung whose last follow-up visit (or release) is longer ago "
        "than the visiting interval."
    )

    def items(self, user, today):
        last_visit = Subquery(
            PasungEvent.objects.filter(detail__case=OuterRef("pk"), kind=PasungEvent.Kind.FOLLOW_UP)
            .order_by("-date")
            .values("date")[:1],
            output_field=DateField(),
        )
        since = today - timedelta(days=settings.PMKS_PASUNG_VISIT_EVERY_DAYS)
        return (
            Case.objects.visible_to(user)
            .filter(programme=Programme.PASUNG, pasung__pasung_status=PasungStatus.RELEASED)
            .exclude(status="closed")
            .annotate(
                last_visit=Coalesce(last_visit, F("pasung__released_on"), F("status_changed_on"))
            )
            .filter(last_visit__lt=since)
            .select_related("person")
            .order_by("last_visit", "pk")
        )

    def row(self, case):
        return Row(
            case.person.name,
            reverse("cases:detail", args=[case.pk]),
            _("last visit %(day)s") % {"day": _day(case.last_visit)},
        )


def last_month(today: date) -> date:
    return add_months(first_of_month(today), -1)


def groups_missing_report(queryset, month: date):
    reported = KubeReport.objects.filter(kube=OuterRef("pk"), month=month)
    return queryset.expecting_report_for(month).exclude(Exists(reported))


class KubeReportsMissing(Worklist):
    key = "kube-reports"
    label = _("KUBE monthly reports missing for last month")
    description = _("Groups expected to report for last month that have not reported yet.")

    def items(self, user, today):
        missing = groups_missing_report(Kube.objects.visible_to(user), last_month(today))
        return missing.select_related("district").order_by("name", "pk")

    def row(self, kube):
        return Row(
            kube.name,
            reverse("kube:detail", args=[kube.pk]),
            kube.district.name if kube.district_id else "",
        )


class FollowUpsDue(Worklist):
    key = "follow-ups"
    label = _("Rakornis follow-ups due or late")
    description = _(
        "Open follow-ups your regency (or, for the province, its own units) answers for, "
        "due within a week or past their due date."
    )

    def applies_to(self, user):
        return access.can(user, Capability.WRITE_RECORDS) or access.can(
            user, Capability.MANAGE_MEETINGS
        )

    def items(self, user, today):
        follow_ups = FollowUp.objects.visible_to(user).open()
        if access.regency_limit(user) is None:
            # The province sees every regency's: its own work is its units' follow-ups.
            follow_ups = follow_ups.filter(regency__isnull=True)
        horizon = today + timedelta(days=FOLLOW_UP_SOON_DAYS)
        return (
            follow_ups.filter(due_on__lte=horizon)
            .annotate(late=ExpressionWrapper(Q(due_on__lt=today), output_field=BooleanField()))
            .select_related("recommendation")
            .order_by("due_on", "pk")
        )

    def row(self, follow_up):
        note = _("late since %(day)s") if follow_up.late else _("due %(day)s")
        return Row(
            str(follow_up.recommendation),
            reverse("rakornis:follow-up", args=[follow_up.pk]),
            note % {"day": _day(follow_up.due_on)},
        )


class ImportsWaiting(Worklist):
    key = "imports"
    label = _("Imports waiting to be saved")
    description = _("Spreadsheets checked and waiting for someone to confirm and save them.")

    detail_url = "cases:import-detail"

    def items(self, user, today):
        # A regency's share of a province-wide file is the provincial office's to save.
        return self.checked(user).filter(parent__isnull=True, regency__isnull=False)

    @staticmethod
    def checked(user):
        return (
            ImportBatch.objects.visible_to(user)
            .filter(status=ImportBatch.Status.CHECKED)
            .order_by("uploaded_at", "pk")
        )

    def row(self, batch):
        return Row(
            batch.original_name,
            reverse(self.detail_url, args=[batch.pk]),
            _("%(count)s rows ready") % {"count": formats.number_format(batch.valid_rows)},
        )


class DuplicatesWaiting(Worklist):
    key = "duplicates"
    label = _("Suspected duplicate persons")
    description = _("Pairs of records that may be one person, waiting for a decision.")
    capability = Capability.MERGE_PERSONS

    def items(self, user, today):
        return (
            SuspectedPair.objects.visible_to(user)
            .waiting()
            .select_related("first", "second")
            .order_by("found_at", "pk")
        )

    def row(self, pair):
        return Row(
            f"{pair.first.name} · {pair.second.name}",
            reverse("duplicates:compare", args=[pair.pk]),
        )

    def url(self):
        return reverse("duplicates:queue")
