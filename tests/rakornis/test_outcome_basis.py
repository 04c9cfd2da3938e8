"""The outcome check states each indicator's good direction and unit, shows before and after on
the same basis (per 30 days for counts of events), and its verdict follows the direction."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string

from cases.models import Programme
from rakornis import outcomes
from rakornis.models import Indicator
from rakornis.outcomes import Verdict
from tests.conftest import SAMARINDA
from tests.rakornis.conftest import make_meeting, make_recommendation, register_case, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def recommendation(provincial_officer):
    starts = today() - timedelta(days=300)
    meeting = make_meeting(provincial_officer, starts_on=starts, ends_on=starts + timedelta(days=1))
    return make_recommendation(
        provincial_officer,
        meeting,
        regency_codes=(SAMARINDA,),
        indicator=Indicator.NEW_CASES,
        indicator_programme=Programme.STREET_CHILDREN,
        window_before_days=90,
        window_after_days=30,
    )


def test_counts_of_different_windows_are_compared_per_30_days_in_the_good_direction(
    recommendation, samarinda_staff
):
    before, after = outcomes.windows(recommendation)
    for n in range(6):  # 6 in 90 days: 2.0 per 30 days
        register_case(
            samarinda_staff, name=f"Awal {n}", category="AJ", found_on=before.start + timedelta(n)
        )
    for n in range(3):  # 3 in 30 days: 3.0 per 30 days; "6 → 3" would read as a fall
        register_case(
            samarinda_staff, name=f"Akhir {n}", category="AJ", found_on=after.start + timedelta(n)
        )

    (result,) = outcomes.outcomes_for(
        recommendation, recommendation.follow_ups.all(), today()
    ).values()

    assert (result.before, result.after) == (6, 3)
    assert (result.before_shown, result.after_shown) == (2.0, 3.0)
    assert result.basis_label == "cases per 30 days"
    assert result.direction_label == "should go up"
    # Up by 1 per 30 days = 3 on the before window's 90 days: at least MIN_CASES, the good way.
    assert result.verdict == Verdict.EFFECT and not result.moved_other_way
    html = render_to_string("rakornis/_outcome.html", {"outcome": result})
    assert "<strong>2.0</strong>" in html and "<strong>3.0</strong>" in html
    assert "cases per 30 days; should go up" in html


def test_a_fall_of_an_indicator_that_should_rise_is_never_an_effect(
    recommendation, samarinda_staff
):
    before, after = outcomes.windows(recommendation)
    for n in range(9):  # 3.0 per 30 days before
        register_case(
            samarinda_staff, name=f"Awal {n}", category="AJ", found_on=before.start + timedelta(n)
        )
    register_case(samarinda_staff, name="Akhir", category="AJ", found_on=after.start)

    (result,) = outcomes.outcomes_for(
        recommendation, recommendation.follow_ups.all(), today()
    ).values()

    assert (result.before_shown, result.after_shown) == (3.0, 1.0)
    assert result.verdict == Verdict.NO_CHANGE and result.moved_other_way
