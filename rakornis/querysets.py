"""Which rows: scoping through pmks_portal.access, filters, and the joins lists need.

Meetings, their agenda, documents, participants and recommendations are province-wide records:
every user who may read records sees them. A follow-up (and its evidence) belongs to one regency
and is scoped like a case: a regency's users see their regency's follow-ups only; the province
sees all of them, including those of the provincial office's own units (no regency).
"""

from datetime import date

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from pmks_portal import access

OPEN_STATUSES = ("not_started", "in_progress")


def _province_wide(queryset: models.QuerySet, user) -> models.QuerySet:
    """Meeting records: readable by anyone who may read records, across the province."""
    if access.can(user, access.Capability.READ_RECORDS):
        return queryset
    return queryset.none()


def count_of(queryset: models.QuerySet, outer_field: str) -> Coalesce:
    """A correlated COUNT(*) of `queryset` rows whose `outer_field` is the outer row: one
    subquery per column, so that several counts never multiply each other's rows."""
    counted = (
        queryset.filter(**{outer_field: OuterRef("pk")})
        .order_by()
        .values(outer_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), Value(0))


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _province_wide(self, user)

    def for_list(self, *, user, today: date):
        """With the host, and the counts a list shows: participants, those present on any day,
        recommendations, and the follow-ups the user may see that are open or overdue."""
        from rakornis.models import Attendance, FollowUp, Participant, Recommendation

        follow_ups = FollowUp.objects.visible_to(user).filter(status__in=OPEN_STATUSES)
        present = Participant.objects.filter(
            Exists(Attendance.objects.filter(participant=OuterRef("pk")))
        )
        return self.select_related("host_regency").annotate(
            participant_count=count_of(Participant.objects.all(), "meeting"),
            present_count=count_of(present, "meeting"),
            recommendation_count=count_of(Recommendation.objects.all(), "meeting"),
            open_count=count_of(follow_ups, "recommendation__meeting"),
            overdue_count=count_of(follow_ups.filter(due_on__lt=today), "recommendation__meeting"),
        )


class MeetingRecordQuerySet(models.QuerySet):
    """Agenda sessions and documents: seen with their meeting."""

    def visible_to(self, user):
        return _province_wide(self, user)


DocumentQuerySet = MeetingRecordQuerySet


class ParticipantQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _province_wide(self, user)

    def for_list(self):
        return self.select_related("regency")

    def with_days_present(self):
        """`days_present`: on how many days of the meeting the participant was there."""
        from rakornis.models import Attendance

        return self.annotate(days_present=count_of(Attendance.objects.all(), "participant"))

    def with_presence_on(self, day: date):
        """`present`: whether the participant was there on this day."""
        from rakornis.models import Attendance

        return self.annotate(
            present=Exists(Attendance.objects.filter(participant=OuterRef("pk"), day=day))
        )

    def matching(self, text: str):
        """Participants whose name or institution contains every word typed."""
        matched = self
        for word in text.split():
            matched = matched.filter(Q(name__icontains=word) | Q(institution__icontains=word))
        return matched


class RecommendationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _province_wide(self, user)


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, user):
        return access.scope_records(self, user, "regency")

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, on: date):
        return self.open().filter(due_on__lt=on)

    def for_list(self):
        return self.select_related("recommendation__meeting", "regency")


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        return access.scope_records(self, user, "follow_up__regency")
