"""The case workflow: which status may follow which. The one rule set every change goes through."""

from django.utils.translation import gettext_lazy as _

from cases.models import CaseStatus

S = CaseStatus

ALLOWED: dict[str, frozenset[str]] = {
    S.REGISTERED: frozenset({S.VERIFIED, S.REFERRED, S.CLOSED}),
    S.VERIFIED: frozenset({S.IN_HANDLING, S.REFERRED, S.CLOSED}),
    S.IN_HANDLING: frozenset({S.RESOLVED, S.REFERRED, S.CLOSED}),
    S.REFERRED: frozenset({S.IN_HANDLING, S.RESOLVED, S.CLOSED}),
    # A resolved case reopens as a relapse (back on the street, shackled again).
    S.RESOLVED: frozenset({S.IN_HANDLING}),
    S.CLOSED: frozenset(),
}

ACTION_LABELS = {
    S.VERIFIED: _("Verify"),
    S.IN_HANDLING: _("Start handling"),
    S.RESOLVED: _("Resolve"),
    S.REFERRED: _("Refer"),
    S.CLOSED: _("Close"),
}


class TransitionRefused(Exception):
    """The workflow does not allow this change, or it lacks what it needs."""


def next_statuses(current: str) -> list[str]:
    return [status for status in CaseStatus.values if status in ALLOWED[current]]


def is_relapse(current: str, target: str) -> bool:
    return current == S.RESOLVED and target == S.IN_HANDLING


def check_transition(current: str, target: str, *, close_reason: str, reason: str) -> None:
    """Raises TransitionRefused with a message the user can act on."""
    if target not in ALLOWED.get(current, ()):
        raise TransitionRefused(
            _("A case that is %(current)s cannot become %(target)s.")
            % {"current": CaseStatus(current).label, "target": CaseStatus(target).label}
        )
    if target == S.CLOSED and not close_reason:
        raise TransitionRefused(_("Say why the case is closed (died, moved, refused...)."))
    if (target in (S.CLOSED, S.REFERRED) or is_relapse(current, target)) and not reason.strip():
        raise TransitionRefused(_("Describe the reason for this change."))
