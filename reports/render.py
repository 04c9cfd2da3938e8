"""The report's two files: a PDF (reportlab) for reading and printing, an XLSX (openpyxl) for
working with the numbers. Both are drawn from the same content dict (reports.content), so they
always agree; the PDF carries the first characters of the content hash as a verification code.

Both are reproducible: the same content gives the same bytes (the PDF through reportlab's
invariant mode, the XLSX repacked with its one time, the data-as-of). Times print in WITA, the
zone named.
"""

import io
import re
import zipfile
from datetime import date, datetime
from xml.sax.saxutils import escape

from django.utils import formats
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.graphics.shapes import Drawing, Line, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from cases.models import Programme
from reports import clock, sources
from reports.charts import line_chart
from reports.indicators import Status

STATUS_COLOURS = {
    Status.ACHIEVED: colors.HexColor("#1e7b34"),
    Status.ON_TRACK: colors.HexColor("#0b5394"),
    Status.AT_RISK: colors.HexColor("#b36b00"),
    Status.OFF_TRACK: colors.HexColor("#b02a37"),
    Status.NO_DATA: colors.HexColor("#6c757d"),
}
VERIFICATION_LENGTH = 16


def _n(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return formats.number_format(value, 1, force_grouping=True)
    return formats.number_format(value, force_grouping=True)


def _d(value: str | None) -> str:
    if not value:
        return "–"
    if len(value) == 7:  # a month
        return formats.date_format(date.fromisoformat(value + "-01"), "M Y")
    return formats.date_format(parse_date(value), "j M Y")


def _dt(value: str | None) -> str:
    """A time in WITA, the zone named (the server may keep another TIME_ZONE)."""
    return clock.wita(value) if value else "–"


def _timeliness(content: dict) -> list[dict]:
    return content.get("timeliness", {}).get("rows", [])


def timeliness_title(content: dict) -> str:
    return _("Timeliness: cases registered in %(month)s, days from found to registered") % {
        "month": _d(content["timeliness"]["month"])
    }


def timeliness_header() -> list[str]:
    return [
        _("Regency/city"),
        _("Cases registered"),
        _("Median days from found to registered"),
        _("Registered within 7 days (%)"),
    ]


def timeliness_cells(row: dict, show) -> list:
    return [
        row["name"] or _("Province"),
        show(row["registered"]),
        show(row["median_days"]),
        show(row["within_percent"]),
    ]


def status_label(code: str) -> str:
    return str(Status(code).label)


def programme_label(code: str) -> str:
    return str(Programme(code).label) if code in Programme.values else code


def scope_label(content: dict) -> str:
    return content["scope"]["name"] or _("Province of East Kalimantan (roll-up)")


def title(content: dict, period_label: str) -> str:
    return _("PMKS report: %(scope)s, %(period)s") % {
        "scope": scope_label(content),
        "period": period_label,
    }


def _target_rows(content: dict) -> list[list]:
    rows = [
        [
            _("Target"),
            _("Deadline"),
            _("Baseline"),
            _("Remaining at the start"),
            _("Newly found"),
            _("Resolved"),
            _("Closed"),
            _("Relapsed"),
            _("Remaining"),
            _("In handling or referred"),
            _("Status"),
            _("Forecast reaching zero"),
        ]
    ]
    for target in content["targets"]:
        figures = target["indicators"]
        baseline = _n(figures["baseline"])
        if figures["baseline_from_data"]:
            baseline += " *"
        remaining = _n(figures["remaining"])
        if figures["remaining_estimated"]:
            remaining += " ~"
        rows.append(
            [
                target["name"],
                _d(target["deadline"]),
                baseline,
                _n(figures.get("remaining_start")),
                _n(figures["found"]),
                _n(figures["resolved"]),
                _n(figures["closed"]),
                _n(figures["relapsed"]),
                remaining,
                _n(figures["in_handling"]),
                status_label(target["status"]),
                (
                    "–"
                    if target["status"] == Status.ACHIEVED
                    else _d(target["forecast"])
                    if target["forecast"]
                    else _("not at this rate")
                ),
            ]
        )
    return rows


def _chart(target: dict) -> Drawing:
    monthly = target["monthly"]
    months = [date.fromisoformat(m["month"] + "-01") for m in monthly]
    chart = line_chart(
        months,
        [m["remaining"] for m in monthly],
        [m["estimated"] for m in monthly],
        [m["path"] if m["path"] is not None else 0 for m in monthly],
        width=380,
        height=150,
    )
    drawing = Drawing(chart.width, chart.height)

    def flip(points):
        return [(x, chart.height - y) for x, y in points]

    drawing.add(
        Line(chart.left, chart.height - chart.bottom, chart.right, chart.height - chart.bottom)
    )
    for tick in chart.y_ticks:
        y = chart.height - tick.position
        drawing.add(Line(chart.left, y, chart.right, y, strokeColor=colors.lightgrey))
        drawing.add(String(chart.left - 4, y - 3, tick.label, fontSize=7, textAnchor="end"))
    for tick in chart.x_ticks:
        drawing.add(
            String(
                tick.position,
                chart.height - chart.bottom - 10,
                tick.label,
                fontSize=6,
                textAnchor="middle",
            )
        )
    if chart.path:
        drawing.add(
            PolyLine(
                [c for point in flip(chart.path) for c in point],
                strokeColor=colors.HexColor("#1e7b34"),
                strokeDashArray=[4, 2],
                strokeWidth=1,
            )
        )
    if len(chart.estimated) > 1:
        drawing.add(
            PolyLine(
                [c for point in flip(chart.estimated) for c in point],
                strokeColor=colors.HexColor("#0b5394"),
                strokeDashArray=[1, 2],
                strokeWidth=1.5,
            )
        )
    if len(chart.actual) > 1:
        drawing.add(
            PolyLine(
                [c for point in flip(chart.actual) for c in point],
                strokeColor=colors.HexColor("#0b5394"),
                strokeWidth=1.5,
            )
        )
    return drawing


def _table(rows: list[list], widths=None, status_column: int | None = None) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f4f7")]),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if status_column is not None:
        for i, row in enumerate(rows[1:], start=1):
            code = next((s for s in Status if str(s.label) == row[status_column]), None)
            if code is not None:
                style.append(
                    ("TEXTCOLOR", (status_column, i), (status_column, i), STATUS_COLOURS[code])
                )
    table.setStyle(TableStyle(style))
    return table


def write_pdf(content: dict, content_sha256: str, period_label: str, target) -> None:
    """The PDF of a report, written to `target` (a path or a binary file)."""
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    document = SimpleDocTemplate(
        target,
        pagesize=landscape(A4),
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title(content, period_label),
        author="Dinas Sosial Provinsi Kalimantan Timur",
        invariant=1,
    )
    story = [
        Paragraph(escape(title(content, period_label)), styles["Title"]),
        Paragraph(
            escape(
                _("Data as of %(as_of)s · judged on %(on)s · verification code %(code)s")
                % {
                    "as_of": _dt(content["data_as_of"]),
                    "on": _d(content["judged_on"]),
                    "code": content_sha256[:VERIFICATION_LENGTH],
                }
            ),
            small,
        ),
        Spacer(1, 4 * mm),
        Paragraph(escape(_("Targets")), styles["Heading2"]),
        _table(_target_rows(content), status_column=8),
        Paragraph(
            escape(
                _(
                    "* baseline taken from the data (no recorded baseline). ~ estimated from the "
                    "month's events (no snapshot of that month). Resolved: for pasung, released "
                    "from restraint; relapsed: shackled again."
                )
                + " "
                + _(
                    "Remaining at the end of the period = remaining at its start + newly found "
                    "− resolved − closed + relapsed. In handling or referred: cases in either "
                    "status at the end of the period."
                )
            ),
            small,
        ),
    ]
    for target in content["targets"]:
        for restatement in target["restatements"]:
            story.append(
                Paragraph(
                    escape(
                        _("%(target)s: restated on %(on)s from %(old)s to %(new)s. %(reason)s")
                        % {
                            "target": target["name"],
                            "on": _d(restatement["restated_on"]),
                            "old": _d(restatement["old_deadline"]),
                            "new": _d(restatement["new_deadline"]),
                            "reason": restatement["reason"],
                        }
                    ),
                    small,
                )
            )
    story.append(Paragraph(escape(_("Trends against the target path")), styles["Heading2"]))
    story.append(
        Paragraph(
            escape(_("Solid line: remaining; dotted: estimated; dashed green: target path.")),
            small,
        )
    )
    charts = []
    for target in content["targets"]:
        charts.append([Paragraph(escape(target["name"]), styles["Heading4"]), _chart(target)])
    if charts:
        story.append(
            Table([[cell for cell in charts[i : i + 2]] for i in range(0, len(charts), 2)])
        )
    for target in content["targets"]:
        rows = [
            [
                _("Month"),
                _("Newly found"),
                _("In handling or referred"),
                _("Resolved"),
                _("Relapsed"),
                _("Closed"),
                _("Remaining"),
                _("Target path"),
            ]
        ]
        for month in target["monthly"][-12:]:
            rows.append(
                [
                    _d(month["month"]),
                    _n(month["found"]),
                    _n(month["in_handling"]),
                    _n(month["resolved"]),
                    _n(month["relapsed"]),
                    _n(month["closed"]),
                    _n(month["remaining"]) + (" ~" if month["estimated"] else ""),
                    _n(month["path"]),
                ]
            )
        story.append(
            KeepTogether(
                [
                    Paragraph(
                        escape(_("%(target)s: the last 12 months") % {"target": target["name"]}),
                        styles["Heading3"],
                    ),
                    _table(rows),
                ]
            )
        )
    if content["league"]:
        names = [t["name"] for t in content["targets"]]
        codes = [t["target"] for t in content["targets"]]
        rows = [[_("Regency/city"), *names]]
        for row in content["league"]:
            cells = [row["name"]]
            for code in codes:
                figure = row["targets"].get(code)
                cells.append(
                    f"{_n(figure['remaining'])} · {status_label(figure['status'])}"
                    if figure
                    else "–"
                )
            rows.append(cells)
        story += [Paragraph(escape(_("Regencies and cities")), styles["Heading2"]), _table(rows)]
    story += [
        Paragraph(escape(timeliness_title(content)), styles["Heading2"]),
        _table([timeliness_header(), *[timeliness_cells(row, _n) for row in _timeliness(content)]]),
    ]
    story.append(Paragraph(escape(_("Cases by category")), styles["Heading2"]))
    if content["has_snapshot"]:
        rows = [[_("Category"), _("Active"), _("Open against a target"), _("All cases")]]
        rows += [
            [
                f"{c['code']} – {c['name']}",
                _n(c["active"]),
                _n(c["open_against_target"]),
                _n(c["total"]),
            ]
            for c in content["categories"]
        ]
        story.append(_table(rows))
    else:
        story.append(Paragraph(escape(_("No snapshot of the registry for this month.")), small))
    if content["districts"]:
        rows = [[_("District"), _("Active cases"), *[programme_label(p) for p in Programme.values]]]
        for district in content["districts"]:
            rows.append(
                [
                    district["name"] or _("District not recorded"),
                    _n(district["active"]),
                    *[_n(district["open_by_programme"].get(p, 0)) for p in Programme.values],
                ]
            )
        story += [Paragraph(escape(_("Districts")), styles["Heading2"]), _table(rows)]
    story.append(Paragraph(escape(_("KUBE groups")), styles["Heading2"]))
    kube = content["kube"]
    if kube:
        labels = sources.stage_labels()
        rows = [[_("Stage"), _("Groups")]] + [
            [labels.get(k, k), _n(v)] for k, v in kube["stages"].items()
        ]
        rows.append(
            [
                _("Monthly reports received / expected"),
                f"{_n(kube['reports_received'])} / {_n(kube['reports_expected'])}",
            ]
        )
        story.append(_table(rows))
    else:
        story.append(
            Paragraph(escape(_("Not available: the KUBE register is not installed.")), small)
        )
    story.append(Paragraph(escape(_("Rakornis follow-ups")), styles["Heading2"]))
    follow_ups = content["follow_ups"]
    if follow_ups:
        story.append(
            _table(
                [
                    [_("Open"), _("Overdue"), _("Done")],
                    [_n(follow_ups["open"]), _n(follow_ups["overdue"]), _n(follow_ups["done"])],
                ]
            )
        )
    else:
        story.append(
            Paragraph(escape(_("Not available: the Rakornis register is not installed.")), small)
        )
    document.build(story)


def write_xlsx(content: dict, content_sha256: str, period_label: str, target) -> None:
    """The XLSX of a report: one sheet per table, numbers as numbers."""
    workbook = Workbook()
    bold = Font(bold=True)
    moment = _fixed_moment(content)
    workbook.properties.created = moment
    workbook.properties.modified = moment
    workbook.properties.creator = "Portal PMKS Dinas Sosial Kaltim"
    workbook.properties.title = title(content, period_label)

    def sheet(name: str, header: list, rows: list[list], first=False):
        ws = workbook.active if first else workbook.create_sheet()
        # Excel refuses []:*?/\ in sheet names (and "Kabupaten/kota" has one).
        ws.title = re.sub(r"[\[\]:*?/\\]", "-", name)[:31]
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(row)
        ws.freeze_panes = "A2"
        return ws

    sheet(
        _("Report"),
        [_("Item"), _("Value")],
        [
            [_("Regency/city"), scope_label(content)],
            [_("Region code"), content["scope"]["code"] or ""],
            [_("Period"), period_label],
            [_("Period code"), content["period"]["code"]],
            [_("Data as of"), _dt(content["data_as_of"])],
            [_("Judged on"), content["judged_on"]],
            [_("Content hash (sha256)"), content_sha256],
        ],
        first=True,
    )
    sheet(
        _("Targets"),
        [
            _("Target code"),
            _("Target"),
            _("Programme"),
            _("Deadline"),
            _("Target value"),
            _("Baseline"),
            _("Baseline date"),
            _("Baseline from data"),
            _("Remaining at the start"),
            _("Newly found"),
            _("In handling or referred"),
            _("Resolved"),
            _("Relapsed"),
            _("Closed"),
            _("Remaining"),
            _("Remaining estimated"),
            _("Status"),
            _("Target path now"),
            _("Monthly rate"),
            _("Forecast reaching zero"),
        ],
        [
            [
                t["target"],
                t["name"],
                programme_label(t["programme"]),
                t["deadline"],
                t["target_value"],
                t["indicators"]["baseline"],
                t["indicators"]["baseline_date"],
                t["indicators"]["baseline_from_data"],
                t["indicators"].get("remaining_start"),
                t["indicators"]["found"],
                t["indicators"]["in_handling"],
                t["indicators"]["resolved"],
                t["indicators"]["relapsed"],
                t["indicators"]["closed"],
                t["indicators"]["remaining"],
                t["indicators"]["remaining_estimated"],
                status_label(t["status"]),
                t["path_now"],
                t["monthly_rate"],
                t["forecast"],
            ]
            for t in content["targets"]
        ],
    )
    sheet(
        _("Monthly"),
        [
            _("Target code"),
            _("Month"),
            _("Newly found"),
            _("In handling or referred"),
            _("Resolved"),
            _("Relapsed"),
            _("Closed"),
            _("Remaining"),
            _("Estimated"),
            _("Target path"),
        ],
        [
            [
                t["target"],
                m["month"],
                m["found"],
                m["in_handling"],
                m["resolved"],
                m["relapsed"],
                m["closed"],
                m["remaining"],
                m["estimated"],
                m["path"],
            ]
            for t in content["targets"]
            for m in t["monthly"]
        ],
    )
    sheet(
        _("Timeliness"),
        [_("Month"), *timeliness_header()],
        [
            [content["timeliness"]["month"], *timeliness_cells(row, lambda value: value)]
            for row in _timeliness(content)
        ],
    )
    sheet(
        _("Categories"),
        [_("Code"), _("Category"), _("Active"), _("Open against a target"), _("All cases")],
        [
            [c["code"], c["name"], c["active"], c["open_against_target"], c["total"]]
            for c in content["categories"]
        ],
    )
    if content["districts"]:
        sheet(
            _("Districts"),
            [
                _("District code"),
                _("District"),
                _("Active cases"),
                *[programme_label(p) for p in Programme.values],
            ],
            [
                [
                    d["code"] or "",
                    d["name"],
                    d["active"],
                    *[d["open_by_programme"].get(p, 0) for p in Programme.values],
                ]
                for d in content["districts"]
            ],
        )
    if content["league"]:
        codes = [t["target"] for t in content["targets"]]
        header = [_("Region code"), _("Regency/city")]
        for t in content["targets"]:
            header += [f"{t['name']}: " + _("remaining"), f"{t['name']}: " + _("status")]
        rows = []
        for row in content["league"]:
            cells = [row["code"], row["name"]]
            for code in codes:
                figure = row["targets"].get(code) or {}
                cells += [
                    figure.get("remaining"),
                    status_label(figure["status"]) if figure else None,
                ]
            rows.append(cells)
        sheet(_("Regencies"), header, rows)
    kube = content["kube"]
    sheet(
        _("KUBE"),
        [_("Stage"), _("Groups")],
        (
            [[sources.stage_labels().get(k, k), v] for k, v in kube["stages"].items()]
            + [
                [_("Monthly reports expected"), kube["reports_expected"]],
                [_("Monthly reports received"), kube["reports_received"]],
            ]
            if kube
            else [[_("Not available"), None]]
        ),
    )
    follow_ups = content["follow_ups"]
    sheet(
        _("Rakornis"),
        [_("Follow-ups"), _("Number")],
        (
            [
                [_("Open"), follow_ups["open"]],
                [_("Overdue"), follow_ups["overdue"]],
                [_("Done"), follow_ups["done"]],
            ]
            if follow_ups
            else [[_("Not available"), None]]
        ),
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    target.write(_repacked(buffer.getvalue(), moment))


def _fixed_moment(content: dict) -> datetime:
    """The one time an XLSX carries: its data-as-of in WITA (no zone: Excel's way), so that
    the same figures give the same bytes whenever the file is built."""
    as_of = parse_datetime(content["data_as_of"]) if content["data_as_of"] else None
    if as_of is None:
        return datetime(2000, 1, 1)
    return as_of.astimezone(clock.WITA).replace(tzinfo=None, microsecond=0)


def _repacked(data: bytes, moment: datetime) -> bytes:
    """The workbook's zip again, byte for byte reproducible: openpyxl stamps the save time into
    docProps/core.xml (dcterms:modified) and zipfile stamps every member with the clock; both
    become `moment`. Members keep their order and compression."""
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as packed:
        for member in source.infolist():
            body = source.read(member.filename)
            if member.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    body,
                )
            info = zipfile.ZipInfo(member.filename, date_time=moment.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = member.external_attr
            packed.writestr(info, body)
    return out.getvalue()
