"""Outcomes: an action item's indicator for each responsible regency before the meeting and
after the due date, computed from the case registry and checked here against direct counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services as case_services
from cases.models import Case, CaseStatus, CaseTransition, PasungDetail, Programme
from rakornis import outcomes
from rakornis.models import Indicator
from rakornis.outcomes import Verdict, Window
from tests.conftest import BALIKPAPAN, SAMARINDA
from tests.rakornis.conftest import make_meeting, make_recommendation, register_case, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_meeting(provincial_officer):
    """A meeting 300 days ago: its 90-day after window (from a due date 10 days after it)
    ended about 200 days ago, so outcomes are measurable."""
    starts = today() - timedelta(days=300)
    return make_meeting(provincial_officer, starts_on=starts, ends_on=starts + timedelta(days=1))


def resolve(staff, case, on):
    for status in (CaseStatus.VERIFIED, CaseStatus.IN_HANDLING, CaseStatus.RESOLVED):
        case = case_services.case_transition(
            actor=staff, case=case, to_status=status, effective_on=on
        )
    return case


def street_children(staff, days_found, prefix):
    return [
        register_case(staff, name=f"{prefix} {n}", category="AJ", found_on=day)
        for n, day in enumerate(days_found)
    ]


def test_new_cases_found_are_counted_per_regency_as_a_direct_count_gives_them(
    provincial_officer, samarinda_staff, balikpapan_staff, past_meeting
):
    recommendation = make_recommendation(
        provincial_officer,
        past_meeting,
        indicator=Indicator.NEW_CASES,
        indicator_programme=Programme.STREET_CHILDREN,
    )
    before, after = outcomes.windows(recommendation)
    street_children(
        samarinda_staff, [before.start, before.end, before.start + timedelta(days=40)], "Sa"
    )
    street_children(
        samarinda_staff, [after.start + timedelta(days=n) for n in range(0, 60, 10)], "Sb"
    )
    street_children(
        samarinda_staff, [before.start - timedelta(days=1), after.end + timedelta(days=1)], "Sx"
    )
    street_children(balikpapan_staff, [before.start + timedelta(days=5)] * 2, "Ba")
    street_children(balikpapan_staff, [after.start + timedelta(days=5)] * 2, "Bb")
    register_case(samarinda_staff, name="Pengemis", category="PGM", found_on=after.start)

    results = outcomes.outcomes_for(recommendation, recommendation.follow_ups.all(), today())
    by_regency = {f.regency_id: results[f.pk] for f in recommendation.follow_ups.all()}

    def direct(regency, window):
        return Case.objects.filter(
            regency_id=regency,
            programme=Programme.STREET_CHILDREN,
            found_on__gte=window.start,
            found_on__lte=window.end,
        ).count()

    for regency in (SAMARINDA, BALIKPAPAN):
        assert by_regency[regency].before == direct(regency, before)
        assert by_regency[regency].after == direct(regency, after)
    assert (by_regency[SAMARINDA].before, by_regency[SAMARINDA].after) == (3, 6)
    assert by_regency[SAMARINDA].verdict == Verdict.EFFECT
    assert (by_regency[BALIKPAPAN].before, by_regency[BALIKPAPAN].after) == (2, 2)
    assert by_regency[BALIKPAPAN].verdict == Verdict.NO_CHANGE


def test_cases_resolved_count_status_changes_to_resolved_dated_in_the_window(
    provincial_officer, samarinda_staff, past_meeting
):
    recommendation = make_recommendation(
        provincial_officer,
        past_meeting,
        regency_codes=(SAMARINDA,),
        indicator=Indicator.RESOLVED,
        indicator_programme=Programme.STREET_CHILDREN,
    )
    before, after = outcomes.windows(recommendation)
    found = before.start - timedelta(days=30)
    cases = street_children(samarinda_staff, [found] * 6, "R")
    resolve(samarinda_staff, cases[0], before.start + timedelta(days=3))
    for case in cases[1:5]:
        resolve(samarinda_staff, case, after.start + timedelta(days=20))
    (result,) = outcomes.outcomes_for(
        recommendation, recommendation.follow_ups.all(), today()
    ).values()

    def direct(window):
        return (
            CaseTransition.objects.filter(
                case__regency_id=SAMARINDA,
                case__programme=Programme.STREET_CHILDREN,
                to_status=CaseStatus.RESOLVED,
                effective_on__range=(window.start, window.end),
            )
            .values("case")
            .distinct()
            .count()
        )

    assert (result.before, result.after) == (direct(before), direct(after)) == (1, 4)
    assert result.verdict == Verdict.EFFECT


def test_cases_open_against_the_target_today_match_the_registrys_own_rule(
    provincial_officer, samarinda_staff, past_meeting
):
    found = today() - timedelta(days=30)
    cases = street_children(samarinda_staff, [found] * 4, "O")
    resolve(samarinda_staff, cases[0], today())
    register_case(samarinda_staff, name="Pasung", category="PD", found_on=found, pasung=True)
    window = Window(today() - timedelta(days=10), today())
    value = outcomes.indicator_value(
        Indicator.OPEN_AGAINST_TARGET, Programme.STREET_CHILDREN, SAMARINDA, window, today()
    )
    direct = Case.objects.filter(regency_id=SAMARINDA).open_against_target(
        Programme.STREET_CHILDREN
    )
    assert value == direct.count() == 3


def test_cases_open_against_the_target_on_a_past_day_are_rebuilt_from_the_status_changes(
    samarinda_staff,
):
    day = today() - timedelta(days=100)
    open_then_resolved_later, resolved_before, found_after = street_children(
        samarinda_staff,
        [day - timedelta(days=50), day - timedelta(days=50), day + timedelta(days=1)],
        "P",
    )
    resolve(samarinda_staff, open_then_resolved_later, day + timedelta(days=10))
    resolve(samarinda_staff, resolved_before, day - timedelta(days=5))
    window = Window(day - timedelta(days=89), day)
    value = outcomes.indicator_value(
        Indicator.OPEN_AGAINST_TARGET, Programme.STREET_CHILDREN, SAMARINDA, window, today()
    )
    assert value == 1
    # Today only the case found after the day is still open.
    assert (
        Case.objects.filter(regency_id=SAMARINDA)
        .open_against_target(Programme.STREET_CHILDREN)
        .get()
        == found_after
    )


def test_pasung_releases_count_as_resolved_and_end_the_restraint_on_their_day(
    provincial_officer, samarinda_staff, past_meeting
):
    recommendation = make_recommendation(
        provincial_officer,
        past_meeting,
        regency_codes=(SAMARINDA,),
        indicator=Indicator.RESOLVED,
        indicator_programme=Programme.PASUNG,
    )
    before, after = outcomes.windows(recommendation)
    shackled = [
        register_case(
            samarinda_staff, name=f"ODGJ {n}", category="PD", found_on=before.start, pasung=True
        )
        for n in range(3)
    ]
    for case in shackled[:2]:
        case_services.case_detail_save(
            actor=samarinda_staff,
            case=case,
            detail=PasungDetail.objects.get(case=case),
            data={"pasung_status": "released", "released_on": after.start + timedelta(days=7)},
        )
    (result,) = outcomes.outcomes_for(
        recommendation, recommendation.follow_ups.all(), today()
    ).values()
    assert (result.before, result.after) == (0, 2)
    assert result.verdict == Verdict.EFFECT
    restrained_before = outcomes.indicator_value(
        Indicator.OPEN_AGAINST_TARGET, Programme.PASUNG, SAMARINDA, before, today()
    )
    restrained_after = outcomes.indicator_value(
        Indicator.OPEN_AGAINST_TARGET, Programme.PASUNG, SAMARINDA, after, today()
    )
    assert (restrained_before, restrained_after) == (3, 1)
    today_window = Window(today(), today())
    assert (
        outcomes.indicator_value(
            Indicator.OPEN_AGAINST_TARGET, Programme.PASUNG, SAMARINDA, today_window, today()
        )
        == Case.objects.filter(regency_id=SAMARINDA).open_against_target(Programme.PASUNG).count()
        == 1
    )


def test_an_outcome_is_not_measurable_until_the_after_window_has_ended(
    provincial_officer, samarinda_staff, meeting
):
    recommendation = make_recommendation(
        provincial_officer,
        meeting,
        regency_codes=(SAMARINDA,),
        due_on=meeting.ends_on + timedelta(days=1),
        indicator=Indicator.NEW_CASES,
    )
    _before, after = outcomes.windows(recommendation)
    street_children(samarinda_staff, [after.start] * 5, "N")
    (result,) = outcomes.outcomes_for(
        recommendation, recommendation.follow_ups.all(), today()
    ).values()
    assert result.verdict == Verdict.NOT_YET
    assert result.after == 5  # so far


def test_the_windows_can_be_set_per_action_item(provincial_officer, samarinda_staff, past_meeting):
    recommendation = make_recommendation(
        provincial_officer,
        past_meeting,
        regency_codes=(SAMARINDA,),
        indicator=Indicator.NEW_CASES,
        window_before_days=30,
        window_after_days=30,
    )
    before, after = outcomes.windows(recommendation)
    assert before == Window(
        past_meeting.starts_on - timedelta(days=30), past_meeting.starts_on - timedelta(days=1)
    )
    assert after == Window(
        recommendation.due_on + timedelta(days=1), recommendation.due_on + timedelta(days=30)
    )
    street_children(samarinda_staff, [past_meeting.starts_on - timedelta(days=60)], "Out")
    (result,) = outcomes.outcomes_for(
        recommendation, recommendation.follow_ups.all(), today()
    ).values()
    assert result.before == 0


def test_a_provincial_unit_is_measured_over_the_whole_province(
    provincial_officer, samarinda_staff, balikpapan_staff, past_meeting
):
    recommendation = make_recommendation(
        provincial_officer,
        past_meeting,
        regency_codes=(),
        provincial_unit="Bidang Rehsos",
        indicator=Indicator.NEW_CASES,
    )
    before, _after = outcomes.windows(recommendation)
    street_children(samarinda_staff, [before.start] * 2, "S")
    street_children(balikpapan_staff, [before.end] * 3, "B")
    (result,) = outcomes.outcomes_for(
        recommendation, recommendation.follow_ups.all(), today()
    ).values()
    assert result.before == 5


@pytest.mark.parametrize(
    ("before", "after", "direction", "verdict", "other_way"),
    [
        (10, 12, "increase", Verdict.EFFECT, False),
        (10, 11, "increase", Verdict.NO_CHANGE, False),
        (40, 43, "increase", Verdict.NO_CHANGE, False),
        (40, 44, "increase", Verdict.EFFECT, False),
        (10, 6, "decrease", Verdict.EFFECT, False),
        (10, 14, "decrease", Verdict.NO_CHANGE, True),
        (0, 0, "increase", Verdict.NO_CHANGE, False),
    ],
)
def test_the_verdict_needs_a_change_of_two_cases_and_ten_percent_the_desired_way(
    before, after, direction, verdict, other_way
):
    assert outcomes.verdict_for(before, after, direction, measurable=True) == (verdict, other_way)


def test_the_recommendation_page_shows_each_regencys_outcome_in_two_queries(
    provincial_officer, samarinda_staff, past_meeting, login
):
    recommendation = make_recommendation(
        provincial_officer, past_meeting, indicator=Indicator.NEW_CASES
    )
    before, after = outcomes.windows(recommendation)
    street_children(samarinda_staff, [before.start], "A")
    street_children(samarinda_staff, [after.start] * 4, "B")
    client = login(provincial_officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("rakornis:recommendation", args=[recommendation.pk]))
    # One grouped count of the registry per window, for every responsible regency at once.
    assert sum('"cases_case"' in q["sql"] for q in queries.captured_queries) == 2
    follow_ups = {f.regency_id: f for f in response.context["follow_ups"]}
    assert follow_ups[SAMARINDA].outcome.verdict == Verdict.EFFECT
    assert follow_ups[BALIKPAPAN].outcome.verdict == Verdict.NO_CHANGE
    assert "Effect observed" in response.content.decode()
