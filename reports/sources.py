"""Figures that other apps own: KUBE groups and Rakornis follow-ups, through their functions.

The KUBE and Rakornis apps offer (when they are installed with these modules):

* ``kube.indicators.stage_counts(regency_code | None) -> dict[str, int]``;
* ``kube.indicators.reporting_completeness(regency_code | None, year, month)``
  ``-> (expected, received)``;
* ``rakornis.indicators.follow_up_counts(regency_code | None, on: date)``
  ``-> {"open", "overdue", "done"}``.

When a module or function is missing, the figure is "not available" (None) and pages and reports
say so; nothing else depends on those apps.
"""

import importlib
import logging
from dataclasses import dataclass
from datetime import date

logger = logging.getLogger("pmks.reports.sources")


def _function(module_name: str, name: str):
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name in (module_name, module_name.split(".")[0]):
            return None
        raise
    return getattr(module, name, None)


@dataclass(frozen=True)
class KubeFigures:
    stages: dict[str, int]
    expected: int
    received: int

    @property
    def total(self) -> int:
        return sum(self.stages.values())

    @property
    def completeness(self) -> float | None:
        return self.received / self.expected if self.expected else None


@dataclass(frozen=True)
class FollowUps:
    open: int
    overdue: int
    done: int


def kube_figures(regency: str | None, year: int, month: int) -> KubeFigures | None:
    """KUBE groups by stage and the month's reporting completeness, or None."""
    stage_counts = _function("kube.indicators", "stage_counts")
    completeness = _function("kube.indicators", "reporting_completeness")
    if stage_counts is None or completeness is None:
        return None
    stages = dict(stage_counts(regency))
    expected, received = completeness(regency, year, month)
    return KubeFigures(stages=stages, expected=int(expected), received=int(received))


def stage_labels() -> dict[str, str]:
    """Names of the KUBE stages, when the KUBE app has them (else the codes are shown)."""
    stage = _function("kube.models", "Stage")
    if stage is None:
        return {}
    return {code: str(label) for code, label in stage.choices}


def follow_ups(regency: str | None, on: date) -> FollowUps | None:
    """Rakornis follow-ups open, overdue and done on a day, or None."""
    counts = _function("rakornis.indicators", "follow_up_counts")
    if counts is None:
        return None
    result = counts(regency, on)
    return FollowUps(
        open=int(result.get("open", 0)),
        overdue=int(result.get("overdue", 0)),
        done=int(result.get("done", 0)),
    )
