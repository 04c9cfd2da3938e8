"""A record's history as its page shows it: the changes in full, and the reads summed up.

Every opening of a personal record is logged (a VIEW event), so a case opened thirty times and
changed five times would show thirty-five rows, the changes lost among the reads. The page shows
the changes, one line "viewed 31 times by 3 people; last …", and the reads themselves one click
away (a <details>), with the administrators' access log (audit/views.py) for the rest.
"""

from dataclasses import dataclass, field

from django.db import models
from django.db.models import BooleanField, Case, F, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.models import AuditEvent

# Reads of a record: openings, and downloads of its files.
READ_ACTIONS = (AuditEvent.Action.VIEW, AuditEvent.Action.EXPORT)
# A record's changes are shown in full up to this many (a record changed more often is rare;
# the access log has the rest).
CHANGES_SHOWN = 200
# The reads listed under the summary, newest first; the access log pages through all of them.
# A page's worth: the list is drawn on every opening of the record, and a record opened daily
# by a team passes a hundred reads within months (#13 measured 12 ms of the case page there).
READS_LISTED = 25


@dataclass
class History:
    changes: list[AuditEvent] = field(default_factory=list)
    more_changes: bool = False
    read_count: int = 0
    reader_count: int = 0
    reads: list[AuditEvent] = field(default_factory=list)
    target_type: str = ""
    target_id: str = ""

    @property
    def last_read(self) -> AuditEvent | None:
        return self.reads[0] if self.reads else None

    def __bool__(self) -> bool:
        return bool(self.changes or self.read_count)

    @property
    def read_summary(self) -> str:
        """ "Viewed 31 times by 3 people; last on 3 Dec 2026 16:20 WITA by samarinda"."""
        if not self.read_count:
            return ""
        times = ngettext("Viewed %(count)s time", "Viewed %(count)s times", self.read_count) % {
            "count": self.read_count
        }
        people = ngettext("by %(count)s person", "by %(count)s people", self.reader_count) % {
            "count": self.reader_count
        }
        last = self.last_read
        when = formats.date_format(timezone.localtime(last.at), "j M Y H:i T")
        return _("%(times)s %(people)s; last on %(when)s by %(by)s") % {
            "times": times,
            "people": people,
            "when": when,
            "by": last.actor or _("system"),
        }


def history_of(obj: models.Model, *, with_reads: bool = True) -> History:
    """The record's changes (newest first) and a summary of its reads: one query (each kind
    numbered newest first by a window, the changes cut at CHANGES_SHOWN + 1 and the reads at
    READS_LISTED + 1), a second for the totals when a record was read more than READS_LISTED
    times. `with_reads=False` leaves the reads out (a page whose openings are not logged)."""
    if obj.pk is None:
        return History()
    events = AuditEvent.objects.for_object(obj).with_actor()
    if with_reads:
        is_read = Case(
            When(action__in=READ_ACTIONS, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        newest_first = [F("at").desc(), F("id").desc()]
        listed = events.annotate(
            is_read=is_read,
            place=Window(RowNumber(), partition_by=[is_read], order_by=newest_first),
        ).filter(
            Q(is_read=False, place__lte=CHANGES_SHOWN + 1)
            | Q(is_read=True, place__lte=READS_LISTED + 1)
        )
        changes, reads = [], []
        for event in listed.order_by(*newest_first):
            (reads if event.is_read else changes).append(event)
    else:
        changes = list(events.exclude(action__in=READ_ACTIONS)[: CHANGES_SHOWN + 1])
    history = History(
        changes=changes[:CHANGES_SHOWN],
        more_changes=len(changes) > CHANGES_SHOWN,
        target_type=obj._meta.label_lower,
        target_id=str(obj.pk),
    )
    if with_reads:
        history.reads = reads[:READS_LISTED]
        if len(reads) <= READS_LISTED:
            # All of them are here: counted without another query.
            history.read_count = len(reads)
            history.reader_count = len({read.actor_id for read in reads} - {None})
        else:
            totals = events.filter(action__in=READ_ACTIONS).aggregate(
                count=models.Count("id"), readers=models.Count("actor", distinct=True)
            )
            history.read_count, history.reader_count = totals["count"], totals["readers"]
    return history
