"""The public open-data tables: what may be published of a month or a year, and nothing else.

Two tables per period, both read from the dashboards' summary (reports.figures and the
summary's stock), both stocks at the period's end (a year is its last month, December or the
current month), with small counts suppressed (privacy.suppression, docs/OPEN-DATA.md):

* the three national targets: cases still open against each, by regency, with the province;
* the categories: cases on the register by category and regency, with totals both ways.

No flows (cases found or resolved in a month) are published: a year's flow is the sum of its
months', and the month tables would then become one three-way table whose suppression the
two-way method does not protect. Stocks at two month-ends are not sums of one another.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Category
from privacy.suppression import TOTAL, Table, suppress, unprotected
from regions.models import Region
from reports import figures
from reports.indicators import add_months, month_start
from reports.models import CaseStock, SummaryState
from reports.periods import MONTH, YEAR, Period, parse_period, previous_month
from reports.summary import current_month, province_regencies

logger = logging.getLogger("pmks.privacy.opendata")

CACHE_SECONDS = 900


@dataclass(frozen=True)
class Column:
    code: str
    name: str


@dataclass
class Publication:
    period: Period
    month: date
    data_as_of: datetime | None
    regencies: list[Column]
    targets: list[dict]
    programmes: list[Column]
    categories: list[Column]
    target_table: Table
    category_table: Table

    def target_rows(self):
        """(regency or None for the province, [shown value per programme]) for templates."""
        for row in [*self.regencies, None]:
            key = row.code if row else TOTAL
            yield row, [self.target_table.shown((key, p.code)) for p in self.programmes]

    def category_rows(self):
        for row in [*self.categories, None]:
            key = row.code if row else TOTAL
            yield (
                row,
                [self.category_table.shown((key, r.code)) for r in self.regencies],
                self.category_table.shown((key, TOTAL)),
            )


def period_for(text: str | None, *, today: date | None = None) -> Period:
    """A month (2026-10) or a year (2026); last month when none is given."""
    today = today or timezone.localdate()
    if not text:
        return previous_month(today)
    period = parse_period(text, today=today)
    if period.kind not in (MONTH, YEAR):
        raise ValidationError(_("Choose a month (2026-10) or a year (2026)."))
    return period


def snapshot_month(period: Period) -> date:
    """The month whose end a period's stocks are counted at: its last, or the current one."""
    return min(period.last_month, current_month())


def publication(period: Period) -> Publication:
    """The period's published tables (cached until the summary is refreshed)."""
    month = snapshot_month(period)
    states = list(
        SummaryState.objects.order_by("regency_id").values_list("regency_id", "refreshed_at")
    )
    version = hashlib.sha256(repr((period.code, month, states)).encode()).hexdigest()
    key = f"privacy:open-data:{version}"
    try:
        found = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage costs queries, never the page
        logger.warning("open-data cache unavailable", exc_info=True)
        found = None
    if found is not None:
        return found
    result = _build(period, month, min((at for _c, at in states), default=None))
    try:
        cache.set(key, result, CACHE_SECONDS)
    except Exception:  # noqa: BLE001 - the next request computes it again
        logger.warning("open-data cache unavailable", exc_info=True)
    return result


def _build(period: Period, month: date, data_as_of) -> Publication:
    overview = figures.overview(None, month_start(month), extras=False)
    codes = province_regencies()
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    regencies = [Column(code, names[code]) for code in codes]
    case_targets = overview.case_targets
    programmes = [Column(t.programme, t.name) for t in case_targets]
    target_counts = {}
    for target in case_targets:
        for code in codes:
            standing = overview.standing(code, target.code)
            remaining = standing.remaining if standing else None
            target_counts[(code, target.programme)] = remaining or 0
    target_table = _publishable(
        Table.build(
            codes,
            [p.code for p in programmes],
            target_counts,
            row_totals=False,
            column_totals=True,
        )
    )
    stock = (
        CaseStock.objects.filter(month=month_start(month), regency_id__in=codes)
        .values_list("category__code", "regency_id")
        .annotate(n=Sum("cases"))
        .order_by()
    )
    category_counts = {(category, regency): n for category, regency, n in stock}
    used = {category for category, _regency in category_counts}
    categories = [
        Column(code, name)
        for code, name, active in Category.objects.order_by("sort_order", "code").values_list(
            "code", "name", "is_active"
        )
        if active or code in used
    ]
    category_table = _publishable(
        Table.build(
            [c.code for c in categories],
            codes,
            category_counts,
            row_totals=True,
            column_totals=True,
        )
    )
    return Publication(
        period=period,
        month=month,
        data_as_of=data_as_of,
        regencies=regencies,
        targets=[
            {"name": t.name, "target_value": t.target_value, "deadline": t.deadline}
            for t in case_targets
        ],
        programmes=programmes,
        categories=categories,
        target_table=target_table,
        category_table=category_table,
    )


def _publishable(table: Table) -> Table:
    suppress(table)
    if unprotected(table):
        # Never expected (suppress withholds every count rather than leave one pinned); if it
        # ever happens, the table is withheld whole rather than published unsafe.
        table.marks = {key: "withheld" if value else "shown" for key, value in table.values.items()}
    return table


# ---------------------------------------------------------------------------------------------
# The CSV download and its data dictionary


CSV_COLUMNS = (
    "table",
    "period",
    "as_at_month_end",
    "row_code",
    "row",
    "column_code",
    "column",
    "value",
)


def csv_rows(pub: Publication):
    """The published figures, one per line (long format), with the header."""
    yield CSV_COLUMNS
    as_at = f"{pub.month:%Y-%m}"
    province = _("Province of East Kalimantan")
    province_code = settings.PMKS_PROVINCE_CODE
    for regency, values in pub.target_rows():
        for programme, value in zip(pub.programmes, values, strict=True):
            yield (
                "targets",
                pub.period.code,
                as_at,
                regency.code if regency else province_code,
                regency.name if regency else province,
                programme.code,
                programme.name,
                value,
            )
    for category, values, total in pub.category_rows():
        row_code = category.code if category else TOTAL
        row_name = category.name if category else _("All categories")
        for regency, value in zip(pub.regencies, values, strict=True):
            yield (
                "categories",
                pub.period.code,
                as_at,
                row_code,
                row_name,
                regency.code,
                regency.name,
                value,
            )
        yield (
            "categories",
            pub.period.code,
            as_at,
            row_code,
            row_name,
            province_code,
            province,
            total,
        )


def dictionary_rows(pub: Publication):
    """The data dictionary: what each column and value means, where it comes from, as of when."""
    as_of = (
        timezone.localtime(pub.data_as_of).strftime("%Y-%m-%d %H:%M WITA (Asia/Makassar)")
        if pub.data_as_of
        else _("not built yet")
    )
    yield ("field", "definition")
    for name, definition in DICTIONARY:
        yield (name, str(definition))
    yield ("data as of", as_of)


DICTIONARY = (
    (
        "table",
        gettext_lazy(
            "targets: cases still open against a national target; "
            "categories: cases on the register by PMKS category"
        ),
    ),
    ("period", gettext_lazy("The period asked for: a month (YYYY-MM) or a year (YYYY)")),
    (
        "as_at_month_end",
        gettext_lazy(
            "The month at whose end the cases are counted: the period's last month, "
            "or the current month for the current period"
        ),
    ),
    (
        "row_code",
        gettext_lazy(
            "Kemendagri code of the regency/city (64 = the province), or the PMKS category "
            "code (Permensos 8/2012); 'total' = all categories"
        ),
    ),
    (
        "column_code",
        gettext_lazy(
            "The target programme, or the Kemendagri code of the regency/city (64 = the province)"
        ),
    ),
    (
        "value",
        gettext_lazy(
            "A count of cases. '< 5': between 1 and 4, withheld to protect the persons. "
            "'x': 5 or more, withheld so that a '< 5' cannot be worked out from the totals "
            "(docs/OPEN-DATA.md)"
        ),
    ),
    (
        "open against a target",
        gettext_lazy(
            "Street children and prostitution: the case is not resolved or closed; pasung: "
            "the person is still restrained and the case not closed"
        ),
    ),
    (
        "source",
        gettext_lazy(
            "The case register of the Dinas Sosial Provinsi Kalimantan Timur PMKS portal, "
            "through the dashboards' monthly summary"
        ),
    ),
    (
        "licence",
        gettext_lazy("Region codes: idn-area-data (Kemendagri), Open Database License 1.0"),
    ),
)


def recent_months(month: date, count: int = 24) -> list[date]:
    """The months offered on the page, the latest first."""
    return [add_months(month, -i) for i in range(count)]


def recent_years(month: date, count: int = 5) -> list[int]:
    return [month.year - i for i in range(count)]
