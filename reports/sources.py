"""Figures that other apps own: KUBE groups and Rakornis follow-ups, through their functions.

The KUBE and Rakornis apps offer (plain imports, so that a rename fails loudly at start-up
instead of blanking the dashboards):

* ``kube.indicators.dashboard_counts(regency_code | None, year, month)``
  ``-> (stage counts, expected, received)``, in one query;
* ``rakornis.indicators.follow_up_counts(regency_code | None, on: date)``
  ``-> {"open", "overdue", "done"}``.
"""

from dataclasses import dataclass
from datetime import date

from kube import indicators as kube_indicators
from kube.models import Stage
from rakornis import indicators as rakornis_indicators


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


def kube_figures(regency: str | None, year: int, month: int) -> KubeFigures:
    """KUBE groups by stage and the month's reporting completeness."""
    stages, expected, received = kube_indicators.dashboard_counts(regency, year, month)
    return KubeFigures(stages=dict(stages), expected=int(expected), received=int(received))


def stage_labels() -> dict[str, str]:
    """Names of the KUBE stages."""
    return {code: str(label) for code, label in Stage.choices}


def follow_ups(regency: str | None, on: date) -> FollowUps:
    """Rakornis follow-ups open, overdue and done on a day."""
    result = rakornis_indicators.follow_up_counts(regency, on)
    return FollowUps(
        open=int(result.get("open", 0)),
        overdue=int(result.get("overdue", 0)),
        done=int(result.get("done", 0)),
    )
