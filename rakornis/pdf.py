"""Printable PDFs of a meeting, drawn with ReportLab: the attendance sheet and the summary.

Both take what they print as arguments (the views fetch it through the access rules) and return
the PDF's bytes. Labels follow the request's language.
"""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

STYLES = getSampleStyleSheet()
CELL = ParagraphStyle("cell", parent=STYLES["BodyText"], fontSize=8.5, leading=10.5)
CELL_BOLD = ParagraphStyle("cell_bold", parent=CELL, fontName="Helvetica-Bold")
SMALL = ParagraphStyle("small", parent=STYLES["BodyText"], fontSize=8, leading=10)
TITLE = ParagraphStyle("title", parent=STYLES["Title"], fontSize=15, leading=19)
SUBTITLE = ParagraphStyle("subtitle", parent=STYLES["BodyText"], alignment=TA_CENTER)
HEADING = ParagraphStyle("heading", parent=STYLES["Heading2"], fontSize=12, spaceBefore=8)
OVERDUE = colors.HexColor("#f8d7da")
HEADER_FILL = colors.HexColor("#dbe7f3")


def _p(text, style=CELL) -> Paragraph:
    return Paragraph(escape(str(text if text is not None else "")).replace("\n", "<br/>"), style)


def _date(day) -> str:
    return date_format(day, "DATE_FORMAT") if day else "—"


def _dates(meeting) -> str:
    if meeting.starts_on == meeting.ends_on:
        return _date(meeting.starts_on)
    return f"{_date(meeting.starts_on)} – {_date(meeting.ends_on)}"


def _table(rows, widths, *, header_rows=1, extra_styles=()) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=header_rows)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                *extra_styles,
            ]
        )
    )
    return table


def _document(buffer, meeting, subject: str, pagesize=A4) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"{subject}: {meeting.title}",
        author="Dinas Sosial Provinsi Kalimantan Timur",
        subject=subject,
    )


def _footer(canvas, doc):
    canvas.saveState()
    canvas.setFont("Helvetica", 7.5)
    canvas.drawString(
        doc.leftMargin,
        8 * mm,
        _("PMKS Portal · Dinas Sosial Provinsi Kalimantan Timur · printed %(at)s")
        % {"at": date_format(timezone.localtime(), "DATETIME_FORMAT")},
    )
    canvas.drawRightString(
        doc.pagesize[0] - doc.rightMargin,
        8 * mm,
        _("Page %(page)s") % {"page": doc.page},
    )
    canvas.restoreState()


def _meeting_head(meeting) -> list:
    place = ", ".join(filter(None, [meeting.venue, getattr(meeting.host_regency, "name", "")]))
    return [
        Paragraph(escape(meeting.title), TITLE),
        _p(f"{meeting.get_type_display()} · {_dates(meeting)} · {place}", SUBTITLE),
    ]


def attendance_sheet(meeting, participants, day=None) -> bytes:
    """The list to sign: one row per participant, with a signature box (daftar hadir).

    `participants` carry `present` (bool) when a day is given: those already marked present
    are ticked, so that the sheet shows who is still missing.
    """
    buffer = io.BytesIO()
    doc = _document(buffer, meeting, _("Attendance sheet"), pagesize=landscape(A4))
    story = _meeting_head(meeting)
    story.append(
        _p(
            _("Attendance sheet, %(day)s") % {"day": _date(day)} if day else _("Attendance sheet"),
            HEADING,
        )
    )
    header = [
        _p(_("No."), CELL_BOLD),
        _p(_("Name"), CELL_BOLD),
        _p(_("Position"), CELL_BOLD),
        _p(_("Institution"), CELL_BOLD),
        _p(_("Regency/city"), CELL_BOLD),
        _p(_("Role"), CELL_BOLD),
    ]
    if day:
        header.append(_p(_("Present"), CELL_BOLD))
    header.append(_p(_("Signature"), CELL_BOLD))
    rows = [header]
    for number, participant in enumerate(participants, start=1):
        row = [
            _p(number),
            _p(participant.name),
            _p(participant.position),
            _p(participant.institution),
            _p(participant.regency.name if participant.regency else _("Province")),
            _p(participant.get_role_display()),
        ]
        if day:
            row.append(_p(_("yes") if getattr(participant, "present", False) else ""))
        row.append("")
        rows.append(row)
    if day:
        widths = [10 * mm, 55 * mm, 45 * mm, 60 * mm, 35 * mm, 22 * mm, 14 * mm, 28 * mm]
    else:
        widths = [10 * mm, 60 * mm, 50 * mm, 65 * mm, 37 * mm, 22 * mm, 25 * mm]
    story.append(_table(rows, widths))
    story.append(Spacer(1, 4 * mm))
    story.append(_p(_("%(count)s participants.") % {"count": len(rows) - 1}, SMALL))
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()


def meeting_summary(
    meeting, *, attendance_rows, totals, recommendations, outcomes, scope_note, today
) -> bytes:
    """The meeting on paper: its facts, attendance by regency, every recommendation with the
    state of each follow-up (overdue ones shaded) and, where linked, the indicator's outcome."""
    buffer = io.BytesIO()
    doc = _document(buffer, meeting, _("Meeting summary"))
    story = _meeting_head(meeting)
    facts = [
        (_("Theme"), meeting.theme),
        (
            _("Year and edition"),
            f"{meeting.year}" + (f" · {meeting.edition}" if meeting.edition else ""),
        ),
        (_("Organiser"), meeting.organiser),
        (_("Opened by"), meeting.opened_by),
        (_("Status"), meeting.get_status_display()),
    ]
    story.append(Spacer(1, 3 * mm))
    story.append(
        _table(
            [[_p(label, CELL_BOLD), _p(value or "—")] for label, value in facts],
            [40 * mm, 142 * mm],
            header_rows=0,
        )
    )

    story.append(_p(_("Attendance by regency/city"), HEADING))
    rows = [
        [
            _p(_("Regency/city"), CELL_BOLD),
            _p(_("Registered"), CELL_BOLD),
            _p(_("Present"), CELL_BOLD),
        ]
    ]
    for row in attendance_rows:
        rows.append([_p(row["name"]), _p(row["registered"]), _p(row["present"])])
    rows.append(
        [
            _p(_("Total"), CELL_BOLD),
            _p(totals["registered"], CELL_BOLD),
            _p(totals["present"], CELL_BOLD),
        ]
    )
    story.append(_table(rows, [110 * mm, 36 * mm, 36 * mm]))

    story.append(_p(_("Recommendations and their follow-up"), HEADING))
    if scope_note:
        story.append(_p(scope_note, SMALL))
    if not recommendations:
        story.append(_p(_("No recommendations recorded.")))
    for recommendation in recommendations:
        block = [
            _p(
                f"{recommendation.number}. {recommendation.text}",
                ParagraphStyle("rec", parent=CELL, fontSize=9.5, leading=12, spaceBefore=6),
            ),
            _p(
                " · ".join(
                    filter(
                        None,
                        [
                            recommendation.get_category_display(),
                            _("due %(day)s") % {"day": _date(recommendation.due_on)},
                            (
                                _("indicator: %(indicator)s")
                                % {"indicator": recommendation.indicator_label}
                            )
                            if recommendation.indicator
                            else "",
                        ],
                    )
                ),
                SMALL,
            ),
            Spacer(1, 1.5 * mm),
        ]
        rows = [
            [
                _p(_("Responsible"), CELL_BOLD),
                _p(_("Status"), CELL_BOLD),
                _p(_("Last update"), CELL_BOLD),
                _p(_("What was done"), CELL_BOLD),
                _p(_("Outcome"), CELL_BOLD),
            ]
        ]
        shading = []
        for index, follow_up in enumerate(recommendation.visible_follow_ups, start=1):
            status = follow_up.get_status_display()
            if follow_up.is_overdue(today):
                status = f"{status} — {_('OVERDUE')}"
                shading.append(("BACKGROUND", (0, index), (-1, index), OVERDUE))
            outcome = outcomes.get(follow_up.pk)
            outcome_text = "—"
            if outcome is not None:
                # On the same basis as the page: rates per 30 days (or stocks), with the good
                # direction named, so the verdict can be read off the figures.
                outcome_text = _(
                    "%(verdict)s (before %(before)s, after %(after)s; %(basis)s; %(direction)s)"
                ) % {
                    "verdict": outcome.verdict_label,
                    "before": number_format(outcome.before_shown),
                    "after": "—" if outcome.after is None else number_format(outcome.after_shown),
                    "basis": outcome.basis_label,
                    "direction": outcome.direction_label,
                }
            rows.append(
                [
                    _p(follow_up.responsible_name),
                    _p(status),
                    _p(_date(follow_up.last_update_on)),
                    _p(follow_up.summary or "—"),
                    _p(outcome_text),
                ]
            )
        if len(rows) == 1:
            rows.append([_p(_("No follow-up visible to you.")), "", "", "", ""])
            shading.append(("SPAN", (0, 1), (-1, 1)))
        block.append(
            _table(rows, [36 * mm, 28 * mm, 22 * mm, 60 * mm, 36 * mm], extra_styles=shading)
        )
        story.append(KeepTogether(block[:3]))
        story.extend(block[3:])
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()
