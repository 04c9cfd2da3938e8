"""Did a decision change anything? An action item's indicator before and after, per regency.

For a recommendation linked to an indicator, each follow-up's regency (the whole province for a
unit of the provincial office) is measured over two windows:

* before: the `window_before_days` (90 by default) days that end the day before the meeting;
* after: the `window_after_days` (90 by default) days that start the day after the due date.

The indicators are counted from the case registry, with the registry's own rules:

* new cases found: cases whose `found_on` falls in the window;
* cases resolved: status changes to "resolved" dated in the window; for the pasung target, persons
  released from pasung in the window (`released_on`);
* cases still open against the target: a stock, so it is taken on the last day of each window.
  Today's value is the registry's rule (cases.targets); a past day's value is rebuilt from the
  status changes (each case's last change dated on or before that day) and, for pasung, from the
  release, admission and re-shackling dates.

Both values are shown on one basis, named with them: a flow (found, resolved) as cases per 30
days of its window (of the days elapsed, while the after window runs), a stock (still open) as
the cases on the window's last day. Each indicator says which way is good (Direction: found
and resolved should go up, still open should go down), and the verdict follows that direction
on the values shown.

Verdict, once the after window has ended:

* effect observed: the indicator moved the desired way by at least MIN_CASES cases and at least
  MIN_SHARE of its before value;
* no change: anything less (also when it moved the other way, which the outcome says);
* not measurable yet: the after window has not ended.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseStatus, CaseTransition, PasungEvent, PasungStatus, Programme
from cases.targets import OPEN_STATUSES, open_against_target_q
from rakornis.models import Direction, Indicator, Recommendation

MIN_CASES = 2
MIN_SHARE = 0.10

PROVINCE = "*"


class Verdict:
    EFFECT = "effect"
    NO_CHANGE = "no_change"
    NOT_YET = "not_yet"

    LABELS = {
        EFFECT: _("Effect observed"),
        NO_CHANGE: _("No change"),
        NOT_YET: _("Not measurable yet"),
    }


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


BASIS_DAYS = 30


@dataclass(frozen=True)
class Outcome:
    before_window: Window
    after_window: Window
    before: int  # the count over the before window (a stock: on its last day)
    after: int | None  # the same over the after window so far; None until it has begun
    verdict: str
    moved_other_way: bool = False
    direction: str = Direction.INCREASE
    stock: bool = False
    after_days: int = 0  # days of the after window counted (all once it has ended)

    @property
    def verdict_label(self):
        return Verdict.LABELS[self.verdict]

    @property
    def before_shown(self) -> float:
        """The before value on the shown basis (see basis_label)."""
        return self._on_basis(self.before, self.before_window.days)

    @property
    def after_shown(self) -> float | None:
        if self.after is None:
            return None
        return self._on_basis(self.after, self.after_days)

    def _on_basis(self, count: int, days: int) -> float:
        if self.stock:
            return count
        return round(count * BASIS_DAYS / days, 1) if days else 0.0

    @property
    def basis_label(self) -> str:
        if self.stock:
            return str(_("cases on the last day of each window"))
        return str(_("cases per 30 days"))

    @property
    def direction_label(self) -> str:
        return str(Direction(self.direction).label)

    @property
    def change(self) -> int | None:
        return None if self.after is None else self.after - self.before


def windows(recommendation: Recommendation) -> tuple[Window, Window]:
    meeting_start = recommendation.meeting.starts_on
    before = Window(
        meeting_start - timedelta(days=recommendation.window_before_days),
        meeting_start - timedelta(days=1),
    )
    after = Window(
        recommendation.due_on + timedelta(days=1),
        recommendation.due_on + timedelta(days=recommendation.window_after_days),
    )
    return before, after


# ---------------------------------------------------------------------------------------------
# Counting, grouped by regency: one query per window for every regency at once.


def _programme_q(programme: str) -> Q:
    return Q(programme=programme) if programme else Q()


def _status_on(day: date) -> Coalesce:
    """Each case's status on a day: that of its last status change dated on or before it."""
    last = (
        CaseTransition.objects.filter(case=OuterRef("pk"), effective_on__lte=day)
        .order_by("-effective_on", "-id")
        .values("to_status")[:1]
    )
    return Coalesce(Subquery(last), Value(CaseStatus.REGISTERED))


def _restrained_on(day: date) -> Q:
    """A pasung case's person was restrained on that day (rebuilt from the pasung dates)."""
    not_yet_released = Q(pasung__released_on__isnull=True) | Q(pasung__released_on__gt=day)
    not_yet_admitted = Q(pasung__admitted_on__isnull=True) | Q(pasung__admitted_on__gt=day)
    shackled_again = Exists(
        PasungEvent.objects.filter(
            detail__case=OuterRef("pk"),
            kind=PasungEvent.Kind.RESHACKLED,
            date__lte=day,
            date__gte=OuterRef("pasung__released_on"),
        )
    )
    return (
        Q(pasung__isnull=False)
        & ~Q(pasung__pasung_status=PasungStatus.DIED)
        & ((not_yet_released & not_yet_admitted) | shackled_again)
    )


def _open_on(day: date, programme: str, today: date):
    """Cases open against the target (one programme, or any) on a day."""
    if day >= today:
        return Case.objects.filter(open_against_target_q(programme or None))
    cases = Case.objects.filter(found_on__lte=day).annotate(status_on=_status_on(day))
    by_status = {
        Programme.STREET_CHILDREN: Q(
            programme=Programme.STREET_CHILDREN, status_on__in=OPEN_STATUSES
        ),
        Programme.PROSTITUTION: Q(programme=Programme.PROSTITUTION, status_on__in=OPEN_STATUSES),
        Programme.PASUNG: Q(programme=Programme.PASUNG)
        & ~Q(status_on=CaseStatus.CLOSED)
        & _restrained_on(day),
    }
    if programme:
        return cases.filter(by_status[programme])
    combined = Q(pk__in=[])
    for condition in by_status.values():
        combined |= condition
    return cases.filter(combined)


def _flow(indicator: str, programme: str, window: Window):
    """(queryset, regency field) of the events counted in a window."""
    if indicator == Indicator.NEW_CASES:
        cases = Case.objects.filter(
            _programme_q(programme), found_on__range=(window.start, window.end)
        )
        return cases, "regency"
    if programme == Programme.PASUNG:
        released = Case.objects.filter(
            programme=Programme.PASUNG,
            pasung__released_on__range=(window.start, window.end),
        )
        return released, "regency"
    resolved = Case.objects.filter(
        _programme_q(programme),
        Exists(
            CaseTransition.objects.filter(
                case=OuterRef("pk"),
                to_status=CaseStatus.RESOLVED,
                effective_on__range=(window.start, window.end),
            )
        ),
    )
    return resolved, "regency"


def values_by_regency(indicator: str, programme: str, window: Window, today: date) -> dict:
    """{regency code: value} for every regency with a non-zero value; PROVINCE: their total."""
    if indicator == Indicator.OPEN_AGAINST_TARGET:
        queryset, field = _open_on(window.end, programme, today), "regency"
    else:
        queryset, field = _flow(indicator, programme, window)
    rows = queryset.order_by().values(field).annotate(n=Count("pk", distinct=True))
    values = defaultdict(int)
    for row in rows:
        values[row[field]] += row["n"]
        values[PROVINCE] += row["n"]
    return values


def indicator_value(
    indicator: str, programme: str, regency_code: str | None, window: Window, today: date
) -> int:
    """The indicator for one regency (None: the province) over one window."""
    return values_by_regency(indicator, programme, window, today).get(regency_code or PROVINCE, 0)


# ---------------------------------------------------------------------------------------------
# The verdict.


def verdict_for(before: int, after: float, direction: str, *, measurable: bool) -> tuple[str, bool]:
    """(verdict, moved the other way) for a before and a comparable after value."""
    if not measurable:
        return Verdict.NOT_YET, False
    gain = (after - before) if direction == Direction.INCREASE else (before - after)
    needed = max(MIN_CASES, math.ceil(MIN_SHARE * before))
    if gain >= needed:
        return Verdict.EFFECT, False
    return Verdict.NO_CHANGE, -gain >= needed


def _comparable(after: int, before_window: Window, after_days: int, stock: bool) -> float:
    """The after count on the before window's scale: what the verdict compares (the same
    ratio as the per-30-days values shown)."""
    if stock or not after_days or before_window.days == after_days:
        return after
    return after * before_window.days / after_days


def outcomes_for(recommendation: Recommendation, follow_ups, today: date) -> dict:
    """{follow-up id: Outcome} for the follow-ups of a recommendation linked to an indicator.

    Two queries at most (one per window), whatever the number of regencies; none when the
    recommendation has no indicator.
    """
    if not recommendation.indicator:
        return {}
    indicator, programme = recommendation.indicator, recommendation.indicator_programme
    before_window, after_window = windows(recommendation)
    before_values = values_by_regency(indicator, programme, before_window, today)
    after_started = after_window.start <= today
    measurable = after_window.end < today
    after_values = (
        values_by_regency(
            indicator,
            programme,
            Window(after_window.start, min(after_window.end, today)),
            today,
        )
        if after_started
        else {}
    )
    stock = indicator == Indicator.OPEN_AGAINST_TARGET
    direction = recommendation.effective_direction
    after_days = (
        Window(after_window.start, min(after_window.end, today)).days if after_started else 0
    )
    results = {}
    for follow_up in follow_ups:
        key = follow_up.regency_id or PROVINCE
        before = before_values.get(key, 0)
        after = after_values.get(key, 0) if after_started else None
        verdict, other_way = verdict_for(
            before,
            _comparable(after or 0, before_window, after_days, stock),
            direction,
            measurable=measurable,
        )
        results[follow_up.pk] = Outcome(
            before_window=before_window,
            after_window=after_window,
            before=before,
            after=after,
            verdict=verdict,
            moved_other_way=other_way,
            direction=direction,
            stock=stock,
            after_days=after_days,
        )
    return results
