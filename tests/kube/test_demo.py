"""The synthetic KUBE of seed_demo: shaped by the same rules as real ones, idempotent by default,
and fast enough for thousands of groups."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from kube import demo, indicators, scoring
from kube.models import Kube, KubeMember, KubeReport, KubeRules, KubeStatus
from kube.scoring import Figures

pytestmark = pytest.mark.django_db


def test_the_demo_groups_follow_the_rules(kaltim):
    result = demo.seed_kube(60)
    assert result.groups == Kube.objects.count() == 60
    sizes = Kube.objects.annotate(
        members_now=Count("members", filter=Q(members__left_on__isnull=True)),
        chairs=Count("members", filter=Q(members__role="ketua")),
    )
    assert {kube.chairs for kube in sizes} == {1}
    assert all(5 <= kube.members_now <= 10 for kube in sizes)
    # Nobody is in two active groups, and members of groups that stopped are free.
    current = KubeMember.objects.filter(is_current=True)
    assert current.count() == current.values("person").distinct().count()
    assert not current.exclude(kube__status=KubeStatus.ACTIVE).exists()
    assert not KubeReport.objects.filter(revenue__lt=0).exists()


def test_the_demo_stage_is_the_one_the_scoring_gives(kaltim):
    demo.seed_kube(20)
    rules = KubeRules.current()
    for kube in Kube.objects.all():
        reports = [Figures.of(r) for r in kube.reports.order_by("-month")[: rules.score_window]]
        stored = kube.stage_breakdown
        assert stored["reports"] == len(reports)
        assert kube.computed_stage == stored["stage"]
        assert kube.stage == (kube.stage_override or kube.computed_stage)
        if reports:
            again = scoring.compute(
                rules,
                reports,
                active_partners=stored["dimensions"][4]["partners"],
                total_grants=sum(g.amount for g in kube.grants.all()),
            )
            assert again["score"] == kube.stage_score


def test_the_demo_is_deterministic_and_idempotent(kaltim):
    first = demo.ensure_kube(15)
    names = list(Kube.objects.order_by("pk").values_list("name", "registration_number"))
    again = demo.ensure_kube(15)
    assert (first.groups, again.groups) == (15, 0)
    assert list(Kube.objects.order_by("pk").values_list("name", "registration_number")) == names


def test_the_demo_has_every_stage_missed_and_late_reports(kaltim):
    demo.seed_kube(150)
    stages = Counter(Kube.objects.values_list("computed_stage", flat=True))
    assert set(stages) == {"tumbuh", "berkembang", "maju"}
    assert KubeReport.objects.filter(is_late=True).exists()
    month = KubeReport.objects.order_by("-month").values_list("month", flat=True).first()
    expected, received = indicators.reporting_completeness(None, month.year, month.month)
    assert 0 < received < expected


def test_seed_demo_adds_kube_groups_on_request(kaltim):
    out = StringIO()
    call_command("seed_demo", "--kube", "30", stdout=out)
    assert "Adding 30 synthetic KUBE groups" in out.getvalue()
    assert Kube.objects.count() >= 30
