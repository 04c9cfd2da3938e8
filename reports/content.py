"""The figures of one report, as plain JSON-ready data: what the PDF, the XLSX and
`build_report --json` all print, and what the content hash is taken over.

The same summary gives the same figures, byte for byte: numbers are integers or rounded, keys are
sorted when hashed, and the data-as-of time (which moves with every refresh) stays out of the hash.
"""

import hashlib
import json
from datetime import date

from django.utils import timezone

from regions.models import Region
from reports import figures
from reports.indicators import month_end
from reports.periods import Period
from reports.timeliness import TIMELY_DAYS

FORMAT_VERSION = 1
NOT_HASHED = ("data_as_of", "generated_at")


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _month(value: date | None) -> str | None:
    return f"{value:%Y-%m}" if value else None


def _standing(standing: figures.Standing, period: Period) -> dict:
    in_period = [m for m in standing.series if period.start <= m.month <= period.end]
    last = in_period[-1] if in_period else None
    before = [m for m in standing.series if m.month < period.start]
    assessment = standing.assessment
    target = standing.target
    monthly = [
        {
            "month": _month(m.month),
            "found": m.found,
            "in_handling": m.in_handling,
            "resolved": m.resolved,
            "relapsed": m.relapsed,
            "closed": m.closed,
            "remaining": m.remaining,
            "estimated": m.estimated,
            "path": round(path, 1) if path is not None else None,
        }
        for m, path in zip(
            standing.series, standing.path or [None] * len(standing.series), strict=True
        )
    ]
    return {
        "target": target.code,
        "name": target.name,
        "programme": target.programme,
        "target_value": target.target_value,
        "deadline": _iso(target.deadline),
        "stated_on": _iso(target.stated_on),
        "restatements": [
            {
                "restated_on": _iso(r["restated_on"]),
                "old_deadline": _iso(r["old_deadline"]),
                "new_deadline": _iso(r["new_deadline"]),
                "reason": r["reason"],
            }
            for r in target.restatements
        ],
        "indicators": {
            "baseline": assessment.baseline_value,
            "baseline_date": _iso(assessment.baseline_date),
            "baseline_from_data": assessment.baseline_from_data,
            # remaining(end) = remaining_start + found - resolved - closed + relapsed
            "remaining_start": before[-1].remaining if before else None,
            "found": sum(m.found for m in in_period),
            "in_handling": last.in_handling if last else None,
            "resolved": sum(m.resolved for m in in_period),
            "relapsed": sum(m.relapsed for m in in_period),
            "closed": sum(m.closed for m in in_period),
            "remaining": last.remaining if last else None,
            "remaining_estimated": last.estimated if last else None,
        },
        "status": str(assessment.status),
        "path_now": round(assessment.path_now, 1) if assessment.path_now is not None else None,
        "monthly_rate": round(assessment.rate, 2) if assessment.rate is not None else None,
        "forecast": _month(assessment.forecast),
        "monthly": monthly,
    }


def build_content(regency: Region | None, period: Period) -> dict:
    """Everything the report prints for a regency (or the province, None) and a period."""
    overview = figures.overview(regency, period.last_month)
    content = {
        "format": FORMAT_VERSION,
        "scope": {
            "code": regency.code if regency else None,
            "name": regency.name if regency else None,
        },
        "period": {
            "kind": period.kind,
            "code": period.code,
            "start": _iso(period.start),
            "end": _iso(period.end),
        },
        "judged_on": _iso(min(overview.on, month_end(period.last_month))),
        "has_snapshot": overview.has_snapshot,
        "targets": [_standing(s, period) for s in overview.own],
        "categories": [
            {
                "code": row.code,
                "name": row.name,
                "active": row.active,
                "total": row.total,
                "open_against_target": row.open_against_target,
            }
            for row in overview.categories
        ],
        "districts": [
            {
                "code": row.code,
                "name": row.name,
                "active": row.active,
                "open_by_programme": dict(sorted(row.open_by_programme.items())),
            }
            for row in overview.districts
        ],
        "timeliness": {
            "month": _month(period.last_month),
            "within_days": TIMELY_DAYS,
            "rows": [
                {
                    "code": code,
                    "name": name,
                    "registered": t.registered,
                    "median_days": t.median_days,
                    "within_percent": t.within_week_percent,
                }
                for code, name, t in overview.timeliness_rows
            ],
        },
        "league": [
            {
                "code": code,
                "name": name,
                "targets": {
                    s.target.code: {"remaining": s.remaining, "status": str(s.status)}
                    for s in standings
                    if s is not None
                },
            }
            for code, name, standings in (overview.league if regency is None else [])
        ],
        "kube": (
            {
                "stages": dict(sorted(overview.kube.stages.items())),
                "total": overview.kube.total,
                "reports_expected": overview.kube.expected,
                "reports_received": overview.kube.received,
            }
            if overview.kube
            else None
        ),
        "follow_ups": (
            {
                "open": overview.follow_ups.open,
                "overdue": overview.follow_ups.overdue,
                "done": overview.follow_ups.done,
            }
            if overview.follow_ups
            else None
        ),
        "data_as_of": _iso(overview.data_as_of),
        "generated_at": _iso(timezone.now()),
    }
    return content


def content_hash(content: dict) -> str:
    """sha256 of the figures (data-as-of and build time left out), keys sorted."""
    hashed = {key: value for key, value in content.items() if key not in NOT_HASHED}
    text = json.dumps(hashed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
