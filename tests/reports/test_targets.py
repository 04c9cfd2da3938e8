"""Targets as data: the national targets loaded by migration, restated with their history kept,
baselines and milestones set by administrators, and new targets added."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from reports import figures, sources, summary
from reports.indicators import Status
from reports.models import Target, TargetBaseline, TargetMilestone, TargetRestatement
from tests.reports.conftest import register

pytestmark = pytest.mark.django_db

SAMARINDA = "64.72"


def test_the_three_national_targets_are_loaded_with_the_pasung_restatement():
    targets = {t.code: t for t in Target.objects.all()}
    assert set(targets) == {"bebas-anak-jalanan", "bebas-pasung", "bebas-lokalisasi"}
    assert targets["bebas-anak-jalanan"].deadline == date(2017, 12, 31)
    assert targets["bebas-lokalisasi"].deadline == date(2019, 12, 31)
    pasung = targets["bebas-pasung"]
    assert pasung.deadline == date(2019, 12, 31)
    (restated,) = pasung.restatements.all()
    assert (restated.old_deadline, restated.new_deadline) == (
        date(2017, 12, 31),
        date(2019, 12, 31),
    )
    assert all(t.target_value == 0 and t.indicator == "open_cases" for t in targets.values())
    assert (
        TargetBaseline.objects.get(target=targets["bebas-lokalisasi"], regency_code=SAMARINDA).value
        == 500
    )
    assert not TargetBaseline.objects.filter(
        target=targets["bebas-anak-jalanan"], regency_code=SAMARINDA
    ).exists()


def test_an_administrator_restates_a_target_and_the_old_terms_stay_in_its_history(
    login, admin, provincial_officer, samarinda_staff, django_capture_on_commit_callbacks
):
    register(samarinda_staff, name="Rudi Hartono")
    summary.refresh()
    target = Target.objects.get(code="bebas-anak-jalanan")
    before = figures.overview(None).standing(SAMARINDA, target.code)
    assert before.status == Status.OFF_TRACK

    with django_capture_on_commit_callbacks(execute=True):
        response = login(admin).post(
            reverse("reports:target-restate", args=[target.pk]),
            {
                "deadline": "2030-12-31",
                "target_value": "0",
                "restated_on": "2026-11-01",
                "reason": "Ditetapkan ulang oleh Gubernur untuk Kaltim.",
            },
        )
    assert response.status_code == 302

    target.refresh_from_db()
    assert target.deadline == date(2030, 12, 31) and target.stated_on == date(2026, 11, 1)
    old = target.restatements.get()
    assert old.old_deadline == date(2017, 12, 31) and old.recorded_by == admin
    assert AuditEvent.objects.filter(
        target_type="reports.target", target_id=str(target.pk)
    ).exists()
    # The dashboards see the new terms at once (the cached targets were dropped).
    after = figures.overview(None).standing(SAMARINDA, target.code)
    assert after.target.deadline == date(2030, 12, 31)
    province = login(provincial_officer).get(reverse("reports:province")).content.decode()
    assert "deadline 2030" in province

    page = login(admin).get(reverse("reports:target-edit", args=[target.pk]))
    assert "Ditetapkan ulang oleh Gubernur" in page.content.decode()


def test_the_edit_form_cannot_move_a_deadline_without_a_restatement(login, admin):
    target = Target.objects.get(code="bebas-lokalisasi")
    response = login(admin).post(
        reverse("reports:target-edit", args=[target.pk]),
        {
            "code": target.code,
            "name": "Bebas lokalisasi",
            "indicator": "open_cases",
            "programme": "prostitution",
            "target_value": "5",
            "deadline": "2035-01-01",
            "stated_on": "2016-01-29",
            "basis": "",
            "is_active": "on",
            "sort_order": "30",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.name == "Bebas lokalisasi"
    assert target.deadline == date(2019, 12, 31) and target.target_value == 0
    assert not TargetRestatement.objects.filter(target=target).exists()


def test_a_baseline_set_by_an_administrator_replaces_the_one_taken_from_the_data(
    login, admin, samarinda_staff, django_capture_on_commit_callbacks
):
    register(samarinda_staff, name="Rudi Hartono")
    summary.refresh()
    target = Target.objects.get(code="bebas-anak-jalanan")
    assert figures.overview(None).standing(SAMARINDA, target.code).assessment.baseline_from_data

    with django_capture_on_commit_callbacks(execute=True):
        login(admin).post(
            reverse("reports:target-baseline", args=[target.pk]),
            {"regency": SAMARINDA, "value": "40", "on": "2016-05-31", "source": "Dinsos"},
        )

    assessment = figures.overview(None).standing(SAMARINDA, target.code).assessment
    assert not assessment.baseline_from_data
    assert (assessment.baseline_value, assessment.baseline_date) == (40, date(2016, 5, 31))
    with django_capture_on_commit_callbacks(execute=True):
        login(admin).post(
            reverse("reports:target-baseline", args=[target.pk]), {"regency": SAMARINDA}
        )
    assert figures.overview(None).standing(SAMARINDA, target.code).assessment.baseline_from_data


def test_a_milestone_bends_the_path(login, admin):
    target = Target.objects.get(code="bebas-lokalisasi")
    login(admin).post(
        reverse("reports:target-milestone", args=[target.pk]), {"year": "2018", "progress": "50"}
    )
    assert TargetMilestone.objects.get(target=target).progress == 50
    info = next(t for t in figures.active_targets() if t.code == target.code)
    assert info.terms.milestones == ((2018, 50),)


def test_an_administrator_adds_a_target_on_kube_groups(
    login, admin, provincial_officer, monkeypatch
):
    response = login(admin).post(
        reverse("reports:target-create"),
        {
            "code": "kube-2027",
            "name": "120 KUBE aktif 2027",
            "indicator": "kube_groups",
            "programme": "",
            "target_value": "120",
            "deadline": "2027-12-31",
            "stated_on": "2026-01-15",
            "basis": "Renstra Dinsos",
            "is_active": "on",
            "sort_order": "40",
        },
    )
    assert response.status_code == 302
    monkeypatch.setattr(
        sources,
        "kube_figures",
        lambda regency, year, month: sources.KubeFigures({"tumbuh": 60, "maju": 40}, 100, 90),
    )
    standing = figures.overview(None).standing(None, "kube-2027")
    assert standing.remaining == 100
    # 100 of 120 with thirteen months to go, judged on today's count alone (no series).
    assert standing.status in (Status.AT_RISK, Status.OFF_TRACK)
    assert standing.target.decreasing is False


def test_a_target_on_open_cases_needs_a_programme(login, admin):
    response = login(admin).post(
        reverse("reports:target-create"),
        {
            "code": "x",
            "name": "x",
            "indicator": "open_cases",
            "programme": "",
            "target_value": "0",
            "deadline": "2030-12-31",
            "stated_on": "2026-01-01",
            "sort_order": "50",
        },
    )
    assert response.status_code == 200
    assert "programme" in response.context["form"].errors
