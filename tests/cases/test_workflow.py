from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases import services, workflow
from cases.models import CaseStatus, CaseTransition, PasungStatus
from cases.targets import is_open_against_target

S = CaseStatus


def test_every_status_has_a_rule_and_closed_is_final():
    assert set(workflow.ALLOWED) == set(S.values)
    assert workflow.next_statuses(S.CLOSED) == []


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.REGISTERED, S.RESOLVED),
        (S.REGISTERED, S.IN_HANDLING),
        (S.CLOSED, S.REGISTERED),
        (S.RESOLVED, S.CLOSED),
        (S.VERIFIED, S.REGISTERED),
    ],
)
def test_the_rule_set_refuses_skips_and_backward_steps(current, target):
    with pytest.raises(workflow.TransitionRefused):
        workflow.check_transition(current, target, close_reason="", reason="x")


def test_closing_needs_a_close_reason_and_a_reason():
    with pytest.raises(workflow.TransitionRefused):
        workflow.check_transition(S.VERIFIED, S.CLOSED, close_reason="", reason="moved")
    with pytest.raises(workflow.TransitionRefused):
        workflow.check_transition(S.VERIFIED, S.CLOSED, close_reason="moved", reason=" ")
    workflow.check_transition(S.VERIFIED, S.CLOSED, close_reason="moved", reason="to Java")


def walk(case, staff, *statuses):
    for status in statuses:
        case = services.case_transition(
            actor=staff, case=case, to_status=status, effective_on=date(2026, 11, 1), reason="step"
        )
    return case


def test_a_case_walks_to_resolved_recording_who_when_and_why(samarinda_case, samarinda_staff):
    case = walk(samarinda_case, samarinda_staff, S.VERIFIED, S.IN_HANDLING, S.RESOLVED)
    assert case.status == S.RESOLVED
    steps = list(CaseTransition.objects.filter(case=case).order_by("id"))
    assert [s.to_status for s in steps] == [S.REGISTERED, S.VERIFIED, S.IN_HANDLING, S.RESOLVED]
    assert all(step.by == samarinda_staff for step in steps)


def test_a_resolved_case_reopens_as_a_relapse(samarinda_case, samarinda_staff):
    case = walk(samarinda_case, samarinda_staff, S.VERIFIED, S.IN_HANDLING, S.RESOLVED)
    assert not is_open_against_target(case)
    case = walk(case, samarinda_staff, S.IN_HANDLING)
    assert case.relapse_count == 1
    assert CaseTransition.objects.filter(case=case, is_relapse=True).count() == 1
    assert is_open_against_target(case)


def test_a_refused_transition_changes_nothing(samarinda_case, samarinda_staff):
    with pytest.raises(ValidationError):
        services.case_transition(actor=samarinda_staff, case=samarinda_case, to_status=S.RESOLVED)
    samarinda_case.refresh_from_db()
    assert samarinda_case.status == S.REGISTERED and samarinda_case.version == 1


def test_staff_of_another_regency_cannot_move_a_case(samarinda_case, balikpapan_staff):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.case_transition(actor=balikpapan_staff, case=samarinda_case, to_status=S.VERIFIED)


def test_a_pasung_case_counts_until_release_and_again_after_reshackling(samarinda_staff):
    from cases.models import Case, PasungEvent
    from tests.cases.conftest import register

    case = register(
        samarinda_staff, name="Pak Amir", category="PD", is_pasung=True, birth_date=date(1980, 1, 1)
    )
    pasung_open = Case.objects.open_against_target("pasung")
    assert pasung_open.filter(pk=case.pk).exists()
    services.case_detail_save(
        actor=samarinda_staff,
        case=case,
        detail=case.pasung,
        data={"pasung_status": PasungStatus.RELEASED, "released_on": date(2026, 10, 20)},
    )
    assert not pasung_open.filter(pk=case.pk).exists()
    services.pasung_event_add(
        actor=samarinda_staff,
        case=case,
        data={"kind": PasungEvent.Kind.RESHACKLED, "date": date(2026, 11, 2)},
    )
    assert pasung_open.filter(pk=case.pk).exists()
    case.refresh_from_db()
    assert is_open_against_target(case)


def test_a_status_change_cannot_be_dated_before_the_case_was_found(samarinda_case, samarinda_staff):
    with pytest.raises(ValidationError):
        services.case_transition(
            actor=samarinda_staff,
            case=samarinda_case,
            to_status=S.VERIFIED,
            effective_on=date(2026, 9, 1),
        )
    samarinda_case.refresh_from_db()
    assert samarinda_case.status == S.REGISTERED
