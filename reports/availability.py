"""Whether a period can have figures for a scope: not before the first recorded case, not
before the regency existed. A clear message instead of a figure (issue 10); the period's own
syntax and "not in the future" are parse_period's (reports.periods)."""

from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _

from reports.models import SummaryState
from reports.periods import Period

# Regencies formed after the others: Kabupaten Mahakam Ulu (64.11), carved out of Kutai Barat
# by UU 2/2013 (DOMAIN.md §5 gives ~2012/2013, unconfirmed): no figure of its own before.
REGENCY_SINCE = {"64.11": date(2013, 1, 1)}


def first_month(regency_code: str | None) -> date | None:
    """The first month of the scope's recorded cases (its summary's first counted month)."""
    states = SummaryState.objects.filter(replayed=True)
    if regency_code:
        states = states.filter(regency_id=regency_code)
    months = [months[0] for months in states.values_list("snapshot_months", flat=True) if months]
    return date.fromisoformat(min(months) + "-01") if months else None


def period_problem(regency_code: str | None, period: Period, regency_name: str = "") -> str | None:
    """Why the scope can have no figures for the period, or None."""
    since = REGENCY_SINCE.get(regency_code or "")
    if since is not None and period.end < since:
        return _("%(regency)s did not exist yet in this period (formed %(date)s).") % {
            "regency": regency_name or regency_code,
            "date": formats.date_format(since, "F Y"),
        }
    first = first_month(regency_code)
    if first is not None and period.end < first:
        return _("No case is recorded before %(month)s: this period has no figures to report.") % {
            "month": formats.date_format(first, "F Y")
        }
    return None
