"""Is a group alive? A business-health signal, and what its grants returned (ANCHORS.md idea 3).

Pure functions over figures already loaded for a page, so they cost no query of their own.

Health is a risk score, 0 (healthy) to 100, from four signals:

* revenue trend: the mean revenue of the latest 3 reports against the 3 before them; a fall of
  25% or more adds 35 points, of 10% or more 20 (needs 4 reports or more);
* losses: the latest 2 reports both with a loss add 15;
* missed reports: each of the latest 6 due months without a report adds 10, at most 40;
* member turnover: members who left in the last 12 months, against all who were members in
  that time: 30% or more adds 20, 15% or more 10; fewer members than the rules' minimum adds 10.

20 points or more is "watch", 50 or more "at risk". Groups that are not active get no signal.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kube.models import add_months, first_of_month

WATCH_FROM = 20
AT_RISK_FROM = 50
DUE_MONTHS_CHECKED = 6


class Level:
    HEALTHY = "healthy"
    WATCH = "watch"
    AT_RISK = "at_risk"
    NOT_APPLICABLE = "n/a"


LEVEL_LABELS = {
    Level.HEALTHY: gettext_lazy("Healthy"),
    Level.WATCH: gettext_lazy("Watch"),
    Level.AT_RISK: gettext_lazy("At risk"),
    Level.NOT_APPLICABLE: gettext_lazy("Not active"),
}
LEVEL_BADGES = {
    Level.HEALTHY: "text-bg-success",
    Level.WATCH: "text-bg-warning",
    Level.AT_RISK: "text-bg-danger",
    Level.NOT_APPLICABLE: "text-bg-secondary",
}


@dataclass(frozen=True)
class Monthly:
    month: date
    revenue: Decimal
    profit: Decimal


@dataclass
class Health:
    level: str
    risk: int
    signals: list[str] = field(default_factory=list)
    missed_months: list[date] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(LEVEL_LABELS[self.level])

    @property
    def badge(self) -> str:
        return LEVEL_BADGES[self.level]


def due_months(kube, rules, today: date, count: int = DUE_MONTHS_CHECKED) -> list[date]:
    """The latest `count` months whose report is due by `today` and expected from the group."""
    month = first_of_month(today)
    due = add_months(month, -1) if today.day > rules.report_due_day else add_months(month, -2)
    if kube.reporting_until is not None and kube.reporting_until < due:
        due = kube.reporting_until
    months = []
    while due >= kube.reporting_from and len(months) < count:
        months.append(due)
        due = add_months(due, -1)
    return months


def report_due_on(month: date, rules) -> date:
    """The last day on which the report for `month` is on time."""
    return add_months(month, 1).replace(day=rules.report_due_day)


def _percent(value: Decimal) -> int:
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def assess(
    kube,
    reports: Sequence[Monthly],
    *,
    rules,
    today: date,
    members_now: int,
    members_left_last_year: int,
) -> Health:
    """The health of one group from its reports of the last 12 months (any order)."""
    if not kube.is_active:
        return Health(Level.NOT_APPLICABLE, 0)
    latest = sorted(reports, key=lambda r: r.month, reverse=True)
    risk, signals = 0, []

    if len(latest) >= 4:
        recent = latest[:3]
        earlier = latest[3:6]
        recent_mean = sum(r.revenue for r in recent) / len(recent)
        earlier_mean = sum(r.revenue for r in earlier) / len(earlier)
        if earlier_mean > 0:
            change = (recent_mean - earlier_mean) / earlier_mean
            if change <= Decimal("-0.25"):
                risk += 35
            elif change <= Decimal("-0.10"):
                risk += 20
            if change <= Decimal("-0.10"):
                signals.append(
                    _("Revenue fell by %(percent)s%% against the months before.")
                    % {"percent": -_percent(change)}
                )
            elif change >= Decimal("0.10"):
                signals.append(
                    _("Revenue rose by %(percent)s%% against the months before.")
                    % {"percent": _percent(change)}
                )

    if len(latest) >= 2 and latest[0].profit < 0 and latest[1].profit < 0:
        risk += 15
        signals.append(_("Losses in the latest two reports."))

    reported = {r.month for r in latest}
    missed = [month for month in due_months(kube, rules, today) if month not in reported]
    if missed:
        risk += min(10 * len(missed), 40)
        signals.append(
            ngettext(
                "%(count)s monthly report missing in the last six due months.",
                "%(count)s monthly reports missing in the last six due months.",
                len(missed),
            )
            % {"count": len(missed)}
        )

    everyone = members_now + members_left_last_year
    if everyone:
        turnover = Decimal(members_left_last_year) / Decimal(everyone)
        if turnover >= Decimal("0.30"):
            risk += 20
        elif turnover >= Decimal("0.15"):
            risk += 10
        if turnover >= Decimal("0.15"):
            signals.append(
                _("%(left)s of %(everyone)s members left in the last 12 months.")
                % {"left": members_left_last_year, "everyone": everyone}
            )
    if members_now < rules.min_members:
        risk += 10
        signals.append(
            _("Only %(count)s members; the rules ask for at least %(min)s.")
            % {"count": members_now, "min": rules.min_members}
        )

    risk = min(risk, 100)
    level = (
        Level.AT_RISK
        if risk >= AT_RISK_FROM
        else Level.WATCH
        if risk >= WATCH_FROM
        else Level.HEALTHY
    )
    return Health(level, risk, signals, missed)


@dataclass
class GrantReturn:
    total: Decimal
    first_grant_month: date
    revenue_before: Decimal
    revenue_now: Decimal
    baseline_assumed: bool
    profit_since: Decimal
    months_reported_since: int

    @property
    def revenue_change(self) -> Decimal:
        return self.revenue_now - self.revenue_before

    @property
    def yearly_return_percent(self) -> int:
        """The monthly revenue gained, over a year, against the grants."""
        return _percent(self.revenue_change * 12 / self.total)

    @property
    def profit_percent(self) -> int:
        """Profit made since the first grant against the grants (100 = the grant earned back)."""
        return _percent(self.profit_since / self.total)


def _mean(values) -> Decimal:
    """The mean in whole Rupiah (0 for no values)."""
    values = list(values)
    if not values:
        return Decimal(0)
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def grant_return(
    grants: Sequence[tuple[date, Decimal]], reports: Sequence[Monthly]
) -> GrantReturn | None:
    """Revenue change since the first grant against the grants' total (ANCHORS.md row 20).

    Before: the mean monthly revenue of up to 3 reports before the month of the first grant,
    or 0 when there are none (a business the grant started). Now: the mean of the latest 3
    reports from that month on. None without grants or without a report since the grant.
    """
    if not grants:
        return None
    total = sum((amount for _day, amount in grants), Decimal(0))
    first = first_of_month(min(day for day, _amount in grants))
    ordered = sorted(reports, key=lambda r: r.month)
    before = [r for r in ordered if r.month < first][-3:]
    since = [r for r in ordered if r.month >= first]
    if not since or total <= 0:
        return None
    now = since[-3:]
    return GrantReturn(
        total=total,
        first_grant_month=first,
        revenue_before=_mean(r.revenue for r in before),
        revenue_now=_mean(r.revenue for r in now),
        baseline_assumed=not before,
        profit_since=sum((r.profit for r in since), Decimal(0)),
        months_reported_since=len(since),
    )
