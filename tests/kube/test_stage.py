"""The stage (tumbuh / berkembang / maju): computed from the indicators with the thresholds an
administrator sets, shown with its breakdown, set by hand with a reason kept in the history."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from kube import scoring, services, tasks
from kube.models import Kube, KubeRules, KubeStageChange, Stage
from pmks_portal import jobs
from tests.kube.conftest import form_group, grant, months_back, report_data

pytestmark = pytest.mark.django_db


def figures(month: date, **values) -> scoring.Figures:
    data = {
        "profit": Decimal("2000000"),
        "capital": Decimal("30000000"),
        "iks_collected": Decimal("100000"),
        "iks_used": Decimal("50000"),
        "meetings_held": 1,
        "bookkeeping_kept": True,
    }
    return scoring.Figures(month=month, **(data | values))


def six_months(**values) -> list[scoring.Figures]:
    return [figures(date(2026, month, 1), **values) for month in range(1, 7)]


def points(breakdown: dict) -> dict[str, float]:
    return {d["key"]: d["points"] for d in breakdown["dimensions"]}


def test_a_group_without_reports_is_tumbuh_with_no_points():
    result = scoring.compute(KubeRules(), [], active_partners=0, total_grants=Decimal("20000000"))
    assert result["stage"] == Stage.TUMBUH
    assert result["score"] == 0
    assert {"key": "reports", "stage": Stage.BERKEMBANG, "needed": 3} in result["blockers"]


def test_a_strong_group_with_partners_and_capital_above_the_grant_is_maju():
    result = scoring.compute(
        KubeRules(), six_months(), active_partners=2, total_grants=Decimal("20000000")
    )
    assert points(result) == {
        "organisation": 20.0,
        "administration": 20.0,
        "business": 20.0,
        "social": 20.0,
        "partnership": 20.0,
    }
    assert result["score"] == 100
    assert result["stage"] == Stage.MAJU
    assert result["capital_ratio"] == 150.0


def test_maju_needs_capital_at_the_target_against_the_grants():
    result = scoring.compute(
        KubeRules(),
        six_months(capital=Decimal("25000000")),
        active_partners=2,
        total_grants=Decimal("20000000"),
    )
    # Business: 10 for profit + 10 × (125% / 150%) = 18.3; total 98 but capital too low.
    assert points(result)["business"] == 18.3
    assert result["score"] == 98
    assert result["stage"] == Stage.BERKEMBANG
    assert {"key": "capital", "stage": Stage.MAJU} in result["blockers"]


def test_berkembang_needs_three_reports_whatever_the_score():
    two = six_months()[:2]
    result = scoring.compute(KubeRules(), two, active_partners=2, total_grants=Decimal(1))
    assert result["score"] == 100
    assert result["stage"] == Stage.TUMBUH


def test_only_the_latest_reports_of_the_window_are_scored():
    old_bad = [
        figures(date(2025, month, 1), meetings_held=0, bookkeeping_kept=False)
        for month in range(1, 13)
    ]
    result = scoring.compute(
        KubeRules(), old_bad + six_months(), active_partners=0, total_grants=Decimal("20000000")
    )
    assert result["reports"] == 6
    assert points(result)["organisation"] == 20.0
    assert points(result)["administration"] == 20.0


def test_the_dimensions_score_shares_of_months():
    reports = six_months()
    reports[0] = figures(date(2026, 1, 1), bookkeeping_kept=False, profit=Decimal("-1"))
    reports[1] = figures(date(2026, 2, 1), iks_collected=Decimal(0), meetings_held=0)
    result = scoring.compute(
        KubeRules(), reports, active_partners=1, total_grants=Decimal("20000000")
    )
    assert points(result) == {
        "organisation": 16.7,  # 5 meetings in 6 months, target 1 a month
        "administration": 16.7,  # books kept in 5 of 6
        "business": 18.3,  # profit in 5 of 6 (8.3) + capital at the target (10)
        "social": 18.3,  # IKS in 5 of 6 (8.3) + IKS used (10)
        "partnership": 10.0,  # 1 of 2 partners
    }
    assert result["score"] == 80


def test_without_a_grant_the_business_dimension_scores_profit_alone():
    result = scoring.compute(KubeRules(), six_months(), active_partners=0, total_grants=Decimal(0))
    assert result["capital_ratio"] is None
    assert points(result)["business"] == 20.0


def test_the_thresholds_are_the_administrators():
    rules = KubeRules(berkembang_min_score=90, maju_min_score=95)
    result = scoring.compute(rules, six_months(), active_partners=0, total_grants=Decimal(1))
    assert result["score"] == 80
    assert result["stage"] == Stage.TUMBUH


def test_the_breakdown_reads_as_sentences():
    result = scoring.compute(
        KubeRules(), six_months(), active_partners=1, total_grants=Decimal("20000000")
    )
    rows = scoring.describe(result)
    assert [row.label for row in rows] == [
        "Organisation: meetings",
        "Administration: bookkeeping",
        "Business: profit and capital",
        "Social: IKS",
        "Partnership",
    ]
    assert rows[1].detail == "Books kept in 6 of 6 months"
    assert rows[2].detail.startswith("Profit in 6 of 6 months; capital and assets at 150.0%")
    assert rows[4].detail == "1 active partner (full points at 2)"


# --- On the group ----------------------------------------------------------------------------


def test_the_third_good_report_makes_a_group_berkembang(samarinda_group, samarinda_staff):
    grant(samarinda_staff, samarinda_group)
    stages = []
    for back in (3, 2, 1):
        services.report_add(
            actor=samarinda_staff, kube=samarinda_group, data=report_data(months_back(back))
        )
        stages.append(Kube.objects.get(pk=samarinda_group.pk).stage)
    assert stages == [Stage.TUMBUH, Stage.TUMBUH, Stage.BERKEMBANG]
    change = KubeStageChange.objects.get(kube=samarinda_group)
    assert (change.from_stage, change.to_stage, change.source) == (
        "tumbuh",
        "berkembang",
        "computed",
    )
    assert change.score == 67


def test_a_correction_can_lower_the_stage_again(samarinda_group, samarinda_staff):
    grant(samarinda_staff, samarinda_group)
    reports = [
        services.report_add(
            actor=samarinda_staff, kube=samarinda_group, data=report_data(months_back(back))
        )
        for back in (3, 2, 1)
    ]
    services.report_correct(
        actor=samarinda_staff,
        report=reports[-1],
        expected_version=1,
        data=report_data(
            months_back(1),
            revenue=Decimal(0),
            meetings_held=0,
            bookkeeping_kept=False,
            iks_collected=Decimal(0),
        ),
        reason="Ternyata usaha berhenti bulan itu",
    )
    samarinda_group.refresh_from_db()
    assert samarinda_group.stage_score == 54
    # Organisation 20 (4 meetings in 3 months) + administration 13.3 + business 6.7 + 7
    # + social 6.7 = 54: still berkembang. A second bad month brings it to 34.
    assert samarinda_group.stage == Stage.BERKEMBANG
    services.report_correct(
        actor=samarinda_staff,
        report=reports[-2],
        expected_version=1,
        data=report_data(
            months_back(2),
            revenue=Decimal(0),
            meetings_held=0,
            bookkeeping_kept=False,
            iks_collected=Decimal(0),
        ),
        reason="Sama",
    )
    samarinda_group.refresh_from_db()
    assert (samarinda_group.stage, samarinda_group.stage_score) == (Stage.TUMBUH, 34)


def test_a_stage_set_by_hand_needs_a_reason_and_is_kept_in_the_history(
    samarinda_group, samarinda_staff
):
    with pytest.raises(ValidationError, match="Say why"):
        services.stage_override_set(
            actor=samarinda_staff, kube=samarinda_group, stage=Stage.MAJU, reason=""
        )
    services.stage_override_set(
        actor=samarinda_staff,
        kube=samarinda_group,
        stage=Stage.MAJU,
        reason="Sudah menjadi koperasi; laporan lama belum dimasukkan",
    )
    samarinda_group.refresh_from_db()
    assert samarinda_group.stage == Stage.MAJU
    assert samarinda_group.computed_stage == Stage.TUMBUH
    change = KubeStageChange.objects.get(kube=samarinda_group, source="override")
    assert change.reason.startswith("Sudah menjadi koperasi")
    assert change.by == samarinda_staff
    event = AuditEvent.objects.for_object(samarinda_group).filter(action="update").first()
    assert event.changes["stage_override"] == ["", "maju"]


def test_a_stage_set_by_hand_outlives_new_reports_until_removed(samarinda_group, samarinda_staff):
    grant(samarinda_staff, samarinda_group)
    services.stage_override_set(
        actor=samarinda_staff, kube=samarinda_group, stage=Stage.MAJU, reason="Penilaian lapangan"
    )
    for back in (3, 2, 1):
        services.report_add(
            actor=samarinda_staff, kube=samarinda_group, data=report_data(months_back(back))
        )
    samarinda_group.refresh_from_db()
    assert (samarinda_group.stage, samarinda_group.computed_stage) == ("maju", "berkembang")
    services.stage_override_set(
        actor=samarinda_staff, kube=samarinda_group, stage="", reason="Kembali ke perhitungan"
    )
    samarinda_group.refresh_from_db()
    assert samarinda_group.stage == "berkembang"
    assert KubeStageChange.objects.filter(source="override_cleared").exists()


def test_a_viewer_cannot_set_the_stage(samarinda_group, samarinda_viewer):
    with pytest.raises(PermissionDenied):
        services.stage_override_set(
            actor=samarinda_viewer, kube=samarinda_group, stage="maju", reason="x"
        )


def test_changed_rules_score_every_group_again(
    samarinda_staff, admin, django_capture_on_commit_callbacks, monkeypatch
):
    group = form_group(samarinda_staff)
    grant(samarinda_staff, group)
    for back in (3, 2, 1):
        services.report_add(actor=samarinda_staff, kube=group, data=report_data(months_back(back)))
    assert Kube.objects.get(pk=group.pk).stage == "berkembang"
    rules = KubeRules.current()
    with django_capture_on_commit_callbacks() as queued:
        services.rules_save(
            actor=admin,
            expected_version=rules.version,
            data={"berkembang_min_score": 70, "maju_min_score": 90},
        )
    # The task is published once the rules are committed (through pmks_portal.jobs, which
    # never raises into the save); here it then runs as the worker would.
    published = []
    monkeypatch.setattr(jobs, "publish", lambda task, *args: published.append(task))
    assert len(queued) == 1
    queued[0]()
    assert published == [tasks.recompute_stages]
    assert tasks.recompute_stages() == 1
    group.refresh_from_db()
    assert group.stage == "tumbuh"
    change = KubeStageChange.objects.filter(kube=group).first()
    assert change.reason == "The stage rules were changed."
    event = AuditEvent.objects.for_object(KubeRules.current()).get()
    assert event.changes["berkembang_min_score"] == [40, 70]


def test_rules_that_contradict_themselves_are_refused(admin):
    rules = KubeRules.current()
    with pytest.raises(ValidationError) as refused:
        services.rules_save(
            actor=admin,
            expected_version=rules.version,
            data={"min_members": 12, "max_members": 10},
        )
    assert "cannot be fewer than the fewest" in " ".join(refused.value.messages)
    assert KubeRules.current().max_members == 10


def test_only_administrators_change_the_rules(samarinda_staff, provincial_officer):
    for user in (samarinda_staff, provincial_officer):
        with pytest.raises(PermissionDenied):
            services.rules_save(actor=user, expected_version=1, data={"max_members": 12})


def test_the_rules_page_saves_for_an_administrator(admin, login):
    client = login(admin)
    form = {field: getattr(KubeRules.current(), field) for field in services.RULES_FIELDS} | {
        "maju_min_score": 80,
        "version": 1,
    }
    response = client.post(reverse("kube:rules"), form)
    assert response.status_code == 302
    assert KubeRules.current().maju_min_score == 80


def test_the_group_page_shows_the_stage_and_its_breakdown(samarinda_group, samarinda_staff, login):
    grant(samarinda_staff, samarinda_group)
    for back in (3, 2, 1):
        services.report_add(
            actor=samarinda_staff, kube=samarinda_group, data=report_data(months_back(back))
        )
    response = login(samarinda_staff).get(reverse("kube:detail", args=[samarinda_group.pk]))
    html = response.content.decode()
    assert 'data-testid="kube-stage">Berkembang (developing)<' in html
    assert "Books kept in 3 of 3 months" in html
    assert "Maju/mandiri (advanced) needs at least 6 monthly reports (has 3)." in html
