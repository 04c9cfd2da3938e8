"""A period that cannot have figures gets a clear message instead of a figure: a month in the
future, a month before any recorded case, a regency that did not exist yet."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports import summary
from tests.reports.histories import open_case

pytestmark = pytest.mark.django_db

SAMARINDA = "64.72"


@pytest.fixture
def registry(samarinda_staff):
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=ZoneInfo("Asia/Makassar"))):
        open_case(samarinda_staff, name="Rudi", found_on=date(2025, 4, 2))
        summary.refresh()
        yield


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2027-03", "The period has not begun yet."),
        ("2024-11", "No case is recorded before April 2025: this period has no figures"),
    ],
)
def test_a_dashboard_month_without_figures_says_why(
    registry, login, samarinda_staff, month, message
):
    response = login(samarinda_staff).get(
        reverse("reports:regency", args=[SAMARINDA]) + f"?month={month}",
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    # The current month is shown instead, not a figure for the month asked for.
    assert response.context["overview"].month == date(2026, 12, 1)


def test_a_report_before_any_data_or_before_the_regency_existed_is_refused(registry):
    with pytest.raises(CommandError, match="No case is recorded before April 2025"):
        call_command("build_report", "--regency", SAMARINDA, "--period", "2024-11")
    with pytest.raises(CommandError, match="did not exist yet in this period"):
        call_command("build_report", "--regency", "64.11", "--period", "2012-06")


def test_the_report_form_says_why_too(registry, login, samarinda_staff):
    response = login(samarinda_staff).post(
        reverse("reports:runs"),
        {"scope": SAMARINDA, "period": "2025-Q1"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert "No case is recorded before April 2025" in response.content.decode()
