"""The report's PDF (reportlab, invariant mode: the same content gives the same bytes)."""

from datetime import date
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
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
from reports import sources
from reports.charts import line_chart
from reports.indicators import Status
from reports.render.common import (
    _d,
    _dt,
    _n,
    _timeliness,
    programme_label,
    status_label,
    timeliness_cells,
    timeliness_header,
    timeliness_title,
    title,
)

STATUS_COLOURS = {
    Status.ACHIEVED: colors.HexColor("#1e7b34"),
    Status.ON_TRACK: colors.HexColor("#0b5394"),
    Status.AT_RISK: colors.HexColor("#b36b00"),
    Status.OFF_TRACK: colors.HexColor("#b02a37"),
    Status.NO_DATA: colors.HexColor("#6c757d"),
}
VERIFICATION_LENGTH = 16


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
    for segment in chart.segments:
        if len(segment.points) > 1:
            drawing.add(
                PolyLine(
                    [c for point in flip(segment.points) for c in point],
                    strokeColor=colors.HexColor("#0b5394"),
                    strokeDashArray=[1, 2] if segment.estimated else None,
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
