"""The report's XLSX, written through the portal's one spreadsheet writer (formula-like text
neutralised, strings as strings) and stamped with its data-as-of, so that the same content
gives the same bytes."""

import re
from datetime import datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from cases.models import Programme
from pmks_portal import spreadsheets
from reports import clock, sources
from reports.render.common import (
    _dt,
    _timeliness,
    programme_label,
    scope_label,
    status_label,
    timeliness_cells,
    timeliness_header,
    title,
)


def write_xlsx(content: dict, content_sha256: str, period_label: str, target) -> None:
    """The XLSX of a report: one sheet per table, numbers as numbers."""
    workbook = spreadsheets.workbook()
    moment = _fixed_moment(content)
    workbook.properties.creator = "Portal PMKS Dinas Sosial Kaltim"
    workbook.properties.title = title(content, period_label)

    def sheet(name: str, header: list, rows: list[list]):
        # Excel refuses []:*?/\ in sheet names (and "Kabupaten/kota" has one).
        ws = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "-", name)[:31])
        ws.freeze_panes = "A2"  # before the rows: a write-only sheet streams them
        spreadsheets.append(ws, header, bold=True)
        for row in rows:
            spreadsheets.append(ws, row)
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
    spreadsheets.save(workbook, target, stamp=moment)


def _fixed_moment(content: dict) -> datetime:
    """The one time an XLSX carries: its data-as-of in WITA (no zone: Excel's way), so that
    the same figures give the same bytes whenever the file is built."""
    as_of = parse_datetime(content["data_as_of"]) if content["data_as_of"] else None
    if as_of is None:
        return datetime(2000, 1, 1)
    return as_of.astimezone(clock.WITA).replace(tzinfo=None, microsecond=0)
