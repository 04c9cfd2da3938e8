"""When a case still counts against its national target: written once, used by lists and reports.

* street children and prostitution: the case is not yet resolved or closed;
* pasung: the person is still restrained (a released person who is shackled again counts again),
  unless the case was closed (died, moved).
"""

from django.db.models import Q

from cases.models import CaseStatus, PasungStatus, Programme

OPEN_STATUSES = (
    CaseStatus.REGISTERED,
    CaseStatus.VERIFIED,
    CaseStatus.IN_HANDLING,
    CaseStatus.REFERRED,
)

OPEN_AGAINST_TARGET: dict[str, Q] = {
    Programme.STREET_CHILDREN: Q(programme=Programme.STREET_CHILDREN, status__in=OPEN_STATUSES),
    Programme.PROSTITUTION: Q(programme=Programme.PROSTITUTION, status__in=OPEN_STATUSES),
    Programme.PASUNG: Q(
        programme=Programme.PASUNG,
        pasung__pasung_status=PasungStatus.RESTRAINED,
    )
    & ~Q(status=CaseStatus.CLOSED),
}


def open_against_target_q(programme: str | None = None) -> Q:
    """Cases still open against one target, or against any target when none is named."""
    if programme:
        return OPEN_AGAINST_TARGET[programme]
    combined = Q(pk__in=[])
    for condition in OPEN_AGAINST_TARGET.values():
        combined |= condition
    return combined


def is_open_against_target(case) -> bool:
    """The same rule for one case in memory (for its page), kept equal to the Q above by tests."""
    if case.programme == Programme.PASUNG:
        detail = getattr(case, "pasung", None)
        return (
            detail is not None
            and detail.pasung_status == PasungStatus.RESTRAINED
            and case.status != CaseStatus.CLOSED
        )
    if case.programme in (Programme.STREET_CHILDREN, Programme.PROSTITUTION):
        return case.status in OPEN_STATUSES
    return False
