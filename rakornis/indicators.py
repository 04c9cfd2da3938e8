"""Figures of the Rakornis follow-ups for reports and dashboards (called by the reports app).

Not scoped to a user: the caller passes the regency a user may see (access.regency_limit).
"""

import datetime

from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from rakornis.models import OPEN_FOLLOW_UP, FollowUp, FollowUpStatus, FollowUpUpdate


def follow_up_counts(regency_code: str | None, on: datetime.date) -> dict[str, int]:
    """Follow-ups of one regency (None: the whole province, its own units included) as they
    stood on a day: {"open": ..., "overdue": ..., "done": ...}.

    * Only recommendations of meetings that had begun by that day count.
    * A follow-up's status on the day is that of its last update dated on or before it (not
      started when there is none), so that a report of a past month does not change later.
    * "open" is not started or in progress, overdue ones included; "overdue" is open with a due
      date before the day; "done" is done. Cancelled follow-ups are in none of them.

    One query.
    """
    status_on = Coalesce(
        Subquery(
            FollowUpUpdate.objects.filter(follow_up=OuterRef("pk"), happened_on__lte=on)
            .order_by("-happened_on", "-id")
            .values("status")[:1]
        ),
        Value(FollowUpStatus.NOT_STARTED.value),
    )
    follow_ups = FollowUp.objects.filter(recommendation__meeting__starts_on__lte=on)
    if regency_code is not None:
        follow_ups = follow_ups.filter(regency_id=regency_code)
    open_statuses = [status.value for status in OPEN_FOLLOW_UP]
    counts = follow_ups.annotate(status_on=status_on).aggregate(
        open=Count("pk", filter=Q(status_on__in=open_statuses)),
        overdue=Count("pk", filter=Q(status_on__in=open_statuses, due_on__lt=on)),
        done=Count("pk", filter=Q(status_on=FollowUpStatus.DONE.value)),
    )
    return {key: counts[key] or 0 for key in ("open", "overdue", "done")}
