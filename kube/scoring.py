"""The stage of a KUBE (tumbuh / berkembang / maju), scored from its latest monthly reports.

Pure functions: the same code scores one group after a report is saved, every group after an
administrator changes the rules (kube.tasks), and the demo data (kube.demo). The rules and their
defaults are documented on kube.models.KubeRules.

The breakdown is stored with the group as plain JSON (numbers and keys, no text), so that the
page shows exactly what decided the stage, in the reader's language.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kube.models import Stage

DIMENSION_MAX = Decimal(20)
HALF = Decimal(10)
ZERO = Decimal(0)
ONE = Decimal(1)
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Figures:
    """What the score reads of one monthly report."""

    month: date
    profit: Decimal
    capital: Decimal
    iks_collected: Decimal
    iks_used: Decimal
    meetings_held: int
    bookkeeping_kept: bool

    @classmethod
    def of(cls, report) -> "Figures":
        return cls(
            month=report.month,
            profit=report.profit,
            capital=report.capital,
            iks_collected=report.iks_collected,
            iks_used=report.iks_used,
            meetings_held=report.meetings_held,
            bookkeeping_kept=report.bookkeeping_kept,
        )


def _share(count: int, total: int) -> Decimal:
    return Decimal(count) / Decimal(total) if total else ZERO


def _capped(value: Decimal, target: Decimal) -> Decimal:
    return min(value / target, ONE) if target > 0 else ZERO


def _points(value: Decimal) -> float:
    return float(value.quantize(TENTH, rounding=ROUND_HALF_UP))


def compute(
    rules, reports: Sequence[Figures], *, active_partners: int, total_grants: Decimal
) -> dict:
    """The score (0–100), its five dimensions (0–20 each), the stage, and what holds it back."""
    latest = sorted(reports, key=lambda figures: figures.month, reverse=True)[: rules.score_window]
    n = len(latest)
    target_meetings = Decimal(rules.meetings_target)
    avg_meetings = _share(sum(f.meetings_held for f in latest), n)
    kept = sum(1 for f in latest if f.bookkeeping_kept)
    profitable = sum(1 for f in latest if f.profit > 0)
    iks_months = sum(1 for f in latest if f.iks_collected > 0)
    iks_used = any(f.iks_used > 0 for f in latest)
    ratio_target = Decimal(rules.capital_ratio_target)
    capital_ratio = None
    if total_grants > 0 and latest:
        capital_ratio = latest[0].capital / total_grants

    organisation = DIMENSION_MAX * _capped(avg_meetings, target_meetings)
    administration = DIMENSION_MAX * _share(kept, n)
    if capital_ratio is None:
        business = DIMENSION_MAX * _share(profitable, n)
    else:
        business = HALF * _share(profitable, n) + HALF * _capped(capital_ratio, ratio_target)
    social = HALF * _share(iks_months, n) + (HALF if iks_used else ZERO)
    partnership = DIMENSION_MAX * _capped(Decimal(active_partners), Decimal(rules.partners_target))
    total = organisation + administration + business + social + partnership
    score = int(total.quantize(ONE, rounding=ROUND_HALF_UP))

    maju_capital_ok = capital_ratio is None or capital_ratio >= ratio_target
    if n >= rules.maju_min_reports and score >= rules.maju_min_score and maju_capital_ok:
        stage = Stage.MAJU
    elif n >= rules.berkembang_min_reports and score >= rules.berkembang_min_score:
        stage = Stage.BERKEMBANG
    else:
        stage = Stage.TUMBUH

    blockers = []
    if stage == Stage.TUMBUH:
        next_stage, min_reports, min_score = (
            Stage.BERKEMBANG,
            rules.berkembang_min_reports,
            rules.berkembang_min_score,
        )
    elif stage == Stage.BERKEMBANG:
        next_stage, min_reports, min_score = (
            Stage.MAJU,
            rules.maju_min_reports,
            rules.maju_min_score,
        )
    else:
        next_stage = None
    if next_stage is not None:
        if n < min_reports:
            blockers.append({"key": "reports", "stage": next_stage, "needed": min_reports})
        if score < min_score:
            blockers.append({"key": "score", "stage": next_stage, "needed": min_score})
        if next_stage == Stage.MAJU and not maju_capital_ok:
            blockers.append({"key": "capital", "stage": next_stage})

    return {
        "score": score,
        "stage": str(stage),
        "reports": n,
        "window": rules.score_window,
        "capital_ratio": None if capital_ratio is None else _points(capital_ratio * 100),
        "capital_ratio_target": _points(ratio_target * 100),
        "dimensions": [
            {
                "key": "organisation",
                "points": _points(organisation),
                "avg_meetings": _points(avg_meetings),
                "target": rules.meetings_target,
            },
            {"key": "administration", "points": _points(administration), "kept": kept},
            {"key": "business", "points": _points(business), "profitable": profitable},
            {
                "key": "social",
                "points": _points(social),
                "iks_months": iks_months,
                "iks_used": iks_used,
            },
            {
                "key": "partnership",
                "points": _points(partnership),
                "partners": active_partners,
                "target": rules.partners_target,
            },
        ],
        "blockers": blockers,
    }


@dataclass
class DimensionRow:
    label: str
    points: float
    max_points: int
    detail: str


def _dimension_text(dimension: dict, n: int, breakdown: dict) -> tuple[str, str]:
    key = dimension["key"]
    if key == "organisation":
        return _("Organisation: meetings"), _(
            "%(avg)s meetings a month on average (full points at %(target)s)"
        ) % {"avg": dimension["avg_meetings"], "target": dimension["target"]}
    if key == "administration":
        return _("Administration: bookkeeping"), _("Books kept in %(kept)s of %(n)s months") % {
            "kept": dimension["kept"],
            "n": n,
        }
    if key == "business":
        if breakdown.get("capital_ratio") is None:
            detail = _("Profit in %(profitable)s of %(n)s months; no grant, capital not scored")
        else:
            detail = _(
                "Profit in %(profitable)s of %(n)s months; capital and assets at %(ratio)s%% of "
                "the grants (full points at %(target)s%%)"
            )
        return _("Business: profit and capital"), detail % {
            "profitable": dimension["profitable"],
            "n": n,
            "ratio": breakdown.get("capital_ratio"),
            "target": breakdown.get("capital_ratio_target"),
        }
    if key == "social":
        used = _("IKS used") if dimension["iks_used"] else _("IKS not used yet")
        return _("Social: IKS"), _("IKS collected in %(months)s of %(n)s months; %(used)s") % {
            "months": dimension["iks_months"],
            "n": n,
            "used": used,
        }
    return _("Partnership"), ngettext(
        "%(partners)s active partner (full points at %(target)s)",
        "%(partners)s active partners (full points at %(target)s)",
        dimension["partners"],
    ) % {"partners": dimension["partners"], "target": dimension["target"]}


def describe(breakdown: dict) -> list[DimensionRow]:
    """The stored breakdown as rows to show, in the current language."""
    n = breakdown.get("reports", 0)
    rows = []
    for dimension in breakdown.get("dimensions", []):
        label, detail = _dimension_text(dimension, n, breakdown)
        rows.append(DimensionRow(label, dimension["points"], int(DIMENSION_MAX), detail))
    return rows


def blockers_text(breakdown: dict) -> list[str]:
    """Why the group is not at the next stage yet, in the current language."""
    texts = []
    for blocker in breakdown.get("blockers", []):
        stage = Stage(blocker["stage"]).label
        if blocker["key"] == "reports":
            texts.append(
                _("%(stage)s needs at least %(needed)s monthly reports (has %(has)s).")
                % {"stage": stage, "needed": blocker["needed"], "has": breakdown.get("reports")}
            )
        elif blocker["key"] == "score":
            texts.append(
                _("%(stage)s needs %(needed)s points.")
                % {"stage": stage, "needed": blocker["needed"]}
            )
        else:
            texts.append(
                _("%(stage)s needs capital and assets of at least %(target)s%% of the grants.")
                % {"stage": stage, "target": breakdown.get("capital_ratio_target")}
            )
    return texts
