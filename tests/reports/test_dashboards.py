"""The dashboards: what each role sees, the drill-down to the cases, and fixed query counts."""

from datetime import date

import pytest
from django.urls import reverse

from cases import services
from cases.models import CaseStatus, Programme
from reports import sources, summary
from reports.indicators import Status
from tests.reports.conftest import register

pytestmark = pytest.mark.django_db

SAMARINDA, BALIKPAPAN = "64.72", "64.71"
SAMARINDA_UTARA = "64.72.05"
SEMPAJA_SELATAN = "64.72.05.1002"


@pytest.fixture
def registry(samarinda_staff, balikpapan_staff):
    """Two street children in Samarinda Utara, one resolved in Samarinda, one in Balikpapan."""
    cases = [
        register(samarinda_staff, name="Rudi Hartono", village_code=SEMPAJA_SELATAN),
        register(samarinda_staff, name="Bayu Saputra", village_code=SEMPAJA_SELATAN),
        register(samarinda_staff, name="Agus Pratama"),
        register(balikpapan_staff, name="Dewi Lestari", sex="P"),
    ]
    for status in (CaseStatus.VERIFIED, CaseStatus.IN_HANDLING, CaseStatus.RESOLVED):
        cases[2] = services.case_transition(
            actor=samarinda_staff,
            case=cases[2],
            to_status=status,
            effective_on=date(2026, 11, 5),
            reason="selesai",
        )
    summary.refresh()
    return cases


def test_the_menu_dashboard_opens_the_province_for_the_provincial_office(
    login, provincial_officer, registry
):
    client = login(provincial_officer)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert response.context["overview"].regency is None
    assert len(response.context["overview"].league) == 10


def test_the_menu_dashboard_opens_the_own_regency_for_regency_staff(login, samarinda_viewer):
    response = login(samarinda_viewer).get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert response.context["overview"].regency == SAMARINDA
    assert response.context["region"].code == SAMARINDA


def test_administrators_choose_a_regency(login, admin):
    response = login(admin).get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert reverse("reports:regency", args=[SAMARINDA]).encode() in response.content


def test_the_province_dashboard_ranks_the_ten_regencies_against_the_three_targets(
    login, provincial_officer, registry
):
    response = login(provincial_officer).get(reverse("reports:province"))

    assert response.status_code == 200
    overview = response.context["overview"]
    assert len(overview.league) == 10
    assert [t.code for t in overview.case_targets] == [
        "bebas-anak-jalanan",
        "bebas-pasung",
        "bebas-lokalisasi",
    ]
    samarinda = overview.standing(SAMARINDA, "bebas-anak-jalanan")
    assert samarinda.remaining == 2
    # The deadline (2017) has passed and nothing moves at this rate: off track.
    assert samarinda.status == Status.OFF_TRACK
    assert overview.standing(SAMARINDA, "bebas-pasung").status == Status.ACHIEVED
    assert overview.standing(None, "bebas-anak-jalanan").remaining == 3
    # Regencies without a case were counted too: zero, not an estimate.
    assert not overview.standing(None, "bebas-anak-jalanan").last.estimated
    assert not overview.standing("64.01", "bebas-pasung").last.estimated
    html = response.content.decode()
    assert 'data-testid="league-table"' in html
    assert "<svg" in html and "trend-chart" in html
    assert "Data as of" in html
    assert reverse("reports:regency", args=[SAMARINDA]) in html


def test_kube_and_rakornis_say_not_available_without_their_functions(
    login, provincial_officer, registry, monkeypatch
):
    monkeypatch.setattr(sources, "kube_figures", lambda *args: None)
    monkeypatch.setattr(sources, "follow_ups", lambda *args: None)
    html = login(provincial_officer).get(reverse("reports:province")).content.decode()
    assert 'data-testid="kube-unavailable"' in html
    assert 'data-testid="rakornis-unavailable"' in html


def test_the_regency_dashboard_drills_down_to_districts_and_the_case_list(
    login, samarinda_staff, registry
):
    client = login(samarinda_staff)
    response = client.get(reverse("reports:regency", args=[SAMARINDA]))
    assert response.status_code == 200
    overview = response.context["overview"]
    utara = next(d for d in overview.districts if d.code == SAMARINDA_UTARA)
    assert utara.open_by_programme[Programme.STREET_CHILDREN] == 2
    html = response.content.decode()
    assert reverse("reports:district", args=[SAMARINDA_UTARA]) in html

    response = client.get(reverse("reports:district", args=[SAMARINDA_UTARA]))
    assert response.status_code == 200
    assert response.context["overview"].open_by_programme[Programme.STREET_CHILDREN] == 2
    link = (
        reverse("cases:list")
        + f"?regency={SAMARINDA}&amp;district={SAMARINDA_UTARA}"
        + "&amp;programme=street_children&amp;open_against_target=on"
    )
    assert link in response.content.decode()

    cases = client.get(link.replace("&amp;", "&"))
    assert cases.status_code == 200
    listed = {case.person.name for case in cases.context["page"].rows}
    assert listed == {"Rudi Hartono", "Bayu Saputra"}


def test_regency_staff_never_see_another_regency_or_the_province(login, samarinda_staff, registry):
    client = login(samarinda_staff)
    assert client.get(reverse("reports:regency", args=[BALIKPAPAN])).status_code == 404
    assert client.get(reverse("reports:district", args=["64.71.01"])).status_code == 404
    assert client.get(reverse("reports:province")).status_code == 403
    own = client.get(reverse("reports:regency", args=[SAMARINDA]))
    assert [code for code, _name in own.context["overview"].regencies] == [SAMARINDA]


def test_a_past_month_is_counted_from_the_history(login, provincial_officer, registry):
    response = login(provincial_officer).get(reverse("reports:province") + "?month=2026-10")
    assert response.context["overview"].month == date(2026, 10, 1)
    assert response.context["overview"].has_snapshot
    # October had no refresh of its own: its end is replayed (the resolution came in November).
    standing = response.context["overview"].standing(SAMARINDA, "bebas-anak-jalanan")
    assert not standing.last.estimated
    assert standing.remaining == 3


def test_kube_and_rakornis_figures_appear_when_their_apps_provide_them(
    login, provincial_officer, registry, monkeypatch
):
    monkeypatch.setattr(
        sources,
        "kube_figures",
        lambda regency, year, month: sources.KubeFigures({"tumbuh": 4, "mandiri": 2}, 6, 5),
    )
    monkeypatch.setattr(
        sources, "follow_ups", lambda regency, on: sources.FollowUps(open=7, overdue=3, done=9)
    )
    html = login(provincial_officer).get(reverse("reports:province")).content.decode()
    assert "mandiri" in html and "5 received of 6 expected" in html
    assert "Overdue" in html and ">3<" in html


@pytest.fixture
def quiet_adapters(monkeypatch):
    monkeypatch.setattr(sources, "kube_figures", lambda *args: None)
    monkeypatch.setattr(sources, "follow_ups", lambda *args: None)


def test_the_province_dashboard_runs_a_fixed_number_of_queries(
    login,
    provincial_officer,
    registry,
    django_assert_num_queries,
    samarinda_staff,
):
    client = login(provincial_officer)
    client.get(reverse("reports:province"))  # fills the targets, overview and map caches
    # Warm (the figures of this refresh are cached), map included: session, user; the summary
    # states (with the regencies' names); KUBE groups by stage with the month's reports
    # expected and received; Rakornis follow-ups. At most six (PERFORMANCE.md G3). The open
    # DTSEN items' counts are cached (dtsen.selectors.forget_counts).
    with django_assert_num_queries(5):
        response = client.get(reverse("reports:province"))
    assert response.context["province_map"].areas
    register(samarinda_staff, name="Satu Lagi")
    register(samarinda_staff, name="Dua Lagi")
    summary.refresh()
    # Cold (first view after a refresh, when figures.warm() has not run yet), whatever the
    # number of cases: the same, and the stock series, the flow series, the month's breakdown
    # by category, the month's timeliness.
    with django_assert_num_queries(9):
        response = client.get(reverse("reports:province"))
    assert response.context["overview"].standing(SAMARINDA, "bebas-anak-jalanan").remaining == 4


def test_the_province_map_drawn_from_uploaded_outlines_costs_no_query(
    login, admin, provincial_officer, registry, django_assert_num_queries
):
    from tests.reports.test_maps import synthetic_geojson, upload

    upload(login(admin), synthetic_geojson())
    client = login(provincial_officer)
    client.get(reverse("reports:province"))
    with django_assert_num_queries(5):
        response = client.get(reverse("reports:province"))
    assert response.context["province_map"].outlined


def test_the_regency_dashboard_runs_a_fixed_number_of_queries(
    login, samarinda_staff, registry, django_assert_num_queries
):
    client = login(samarinda_staff)
    client.get(reverse("reports:regency", args=[SAMARINDA]))
    # Warm: session, user with the regency; the regency (scope); its summary state; KUBE
    # groups by stage with the month's reports; Rakornis follow-ups. At most six.
    with django_assert_num_queries(6):
        client.get(reverse("reports:regency", args=[SAMARINDA]))
    register(samarinda_staff, name="Satu Lagi")
    summary.refresh()
    # Cold: the same, and the stock series, the flow series, the month's breakdown by district
    # and category, the month's timeliness.
    with django_assert_num_queries(10):
        client.get(reverse("reports:regency", args=[SAMARINDA]))


def test_an_issued_report_marks_its_month_revised_once_the_figures_change(
    login, samarinda_staff, registry, django_assert_num_queries
):
    """The issued reports' figures are cached (no query when warm), and a version issued after
    the page was read is not hidden by that cache."""
    from reports import services

    client = login(samarinda_staff)
    url = reverse("reports:regency", args=[SAMARINDA])
    assert not client.get(url).context["month_revised"]  # cached: no version issued
    month = summary.current_month()
    run, _created = services.report_request(
        actor=samarinda_staff,
        regency=samarinda_staff.regency,
        period=f"{month:%Y-%m}",
        publish=False,
    )
    services.report_build(run.pk)
    assert run.versions.count() == 1
    assert not client.get(url).context["month_revised"]
    register(samarinda_staff, name="Satu Lagi")
    summary.refresh()
    assert client.get(url).context["month_revised"]


def test_the_district_page_runs_a_fixed_number_of_queries(
    login, samarinda_staff, registry, django_assert_num_queries
):
    client = login(samarinda_staff)
    # session, user with the regency; the district with its regency (scope); its breakdown;
    # the summary state.
    with django_assert_num_queries(5):
        client.get(reverse("reports:district", args=[SAMARINDA_UTARA]))


def test_a_dashboard_before_the_first_refresh_says_the_summary_is_not_built(
    login, provincial_officer
):
    response = login(provincial_officer).get(reverse("reports:province"))
    assert response.status_code == 200
    assert b"has not been built yet" in response.content
    assert len(response.context["overview"].league) == 10
