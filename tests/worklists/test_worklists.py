"""Tugas saya (#14, point 7): everyone lands there after signing in; each list is scoped by
the access rules and costs the same queries whatever its length."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, ImportBatch, PasungDetail, PasungEvent, PasungStatus
from kube.models import BusinessType
from kube.reference_data import load_default_business_types
from tests.factories import register
from tests.helpers import PERSONA_PASSWORD
from tests.kube.conftest import new_group
from tests.rakornis.conftest import make_meeting, make_recommendation

pytestmark = pytest.mark.django_db


def _untouched_for(case: Case, days: int) -> Case:
    """The case as if registered `days` ago and never contacted since."""
    long_ago = timezone.localdate() - timedelta(days=days)
    Case.objects.filter(pk=case.pk).update(
        registered_on=long_ago, status_changed_on=long_ago, found_on=long_ago
    )
    return case


def _counts(response) -> dict[str, int]:
    return {result.worklist.key: result.count for result in response.context["due"]}


def test_signing_in_lands_on_my_tasks(samarinda_staff):
    client = Client()
    response = client.post(
        reverse("login"), {"username": samarinda_staff.username, "password": PERSONA_PASSWORD}
    )
    assert response["Location"] == reverse("worklists:mine")
    assert client.get(response["Location"]).status_code == 200


def test_cases_without_contact_follow_their_programme_s_interval(
    client_as, samarinda_staff, balikpapan_staff, settings
):
    settings.PMKS_CONTACT_DAYS = {"street_children": 30, "pasung": 30, "prostitution": 60, "": 90}
    street_child = _untouched_for(register(samarinda_staff, name="Agus Salim", category="AJ"), 31)
    _untouched_for(register(samarinda_staff, name="Bima Sakti", category="AT"), 31)  # 90 days
    _untouched_for(register(balikpapan_staff, name="Citra Lestari", category="AJ"), 31)
    visited = _untouched_for(register(samarinda_staff, name="Dewi Sartika", category="AJ"), 60)
    services.intervention_add(
        actor=samarinda_staff,
        case=visited,
        data={"date": timezone.localdate() - timedelta(days=3), "type": "counselling"},
    )

    response = client_as(samarinda_staff).get(reverse("worklists:mine"))

    assert _counts(response)["no-contact"] == 1
    (result,) = [r for r in response.context["due"] if r.worklist.key == "no-contact"]
    assert [row.url for row in result.rows] == [reverse("cases:detail", args=[street_child.pk])]
    assert "Citra" not in response.content.decode()  # Balikpapan's, not hers


def test_pasung_visits_imports_and_follow_ups_show_where_they_are_due(
    client_as, samarinda_staff, provincial_officer
):
    released = register(samarinda_staff, name="Eko Prasetyo", is_pasung=True)
    PasungDetail.objects.filter(case=released).update(
        pasung_status=PasungStatus.RELEASED,
        released_on=timezone.localdate() - timedelta(days=45),
    )
    visited = register(samarinda_staff, name="Fajar Nugroho", is_pasung=True)
    PasungDetail.objects.filter(case=visited).update(
        pasung_status=PasungStatus.RELEASED,
        released_on=timezone.localdate() - timedelta(days=45),
    )
    PasungEvent.objects.create(
        detail=visited.pasung, kind=PasungEvent.Kind.FOLLOW_UP, date=timezone.localdate()
    )
    ImportBatch.objects.create(
        regency=samarinda_staff.regency,
        uploaded_by=samarinda_staff,
        file="imports/2026/12/kasus.xlsx",
        original_name="kasus.xlsx",
        status=ImportBatch.Status.CHECKED,
        valid_rows=12,
    )
    make_recommendation(provincial_officer, make_meeting(provincial_officer))  # 9 days late

    counts = _counts(client_as(samarinda_staff).get(reverse("worklists:mine")))

    assert counts["pasung-visits"] == 1
    assert counts["imports"] == 1
    assert counts["follow-ups"] == 1
    officer = _counts(client_as(provincial_officer).get(reverse("worklists:mine")))
    # The province's own units have nothing due; two regencies are late.
    assert "follow-ups" not in officer
    assert officer["regencies-follow-ups-late"] == 2


def test_kube_reports_missing_for_last_month(client_as, samarinda_staff, provincial_officer):
    load_default_business_types(BusinessType)
    group = new_group(samarinda_staff, name="KUBE Mekar Sari")

    counts = _counts(client_as(samarinda_staff).get(reverse("worklists:mine")))
    assert counts["kube-reports"] == 1
    officer = client_as(provincial_officer).get(reverse("worklists:mine"))
    (late,) = [r for r in officer.context["due"] if r.worklist.key == "regencies-kube-late"]
    assert [row.label for row in late.rows] == [group.regency.name]


def test_the_page_costs_the_same_queries_for_one_item_or_six(client_as, samarinda_staff):
    client = client_as(samarinda_staff)

    def queries_with(cases: int) -> int:
        for index in range(cases - Case.objects.count()):
            _untouched_for(
                register(
                    samarinda_staff,
                    name=f"Anak Ke{index}",
                    category="AJ",
                    birth_date=date(2010, 1, 1) + timedelta(days=index),
                ),
                40,
            )
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("worklists:mine"))
        assert _counts(response)["no-contact"] == cases
        return len(captured)

    assert queries_with(1) == queries_with(6)


def test_a_worklist_s_own_page_lists_the_items_and_shows_others_nothing(
    client_as, samarinda_staff, admin
):
    case = _untouched_for(register(samarinda_staff, name="Agus Salim", category="AJ"), 120)
    url = reverse("worklists:detail", args=["no-contact"])
    page = client_as(samarinda_staff).get(url)
    assert reverse("cases:detail", args=[case.pk]) in page.content.decode()
    assert client_as(admin).get(url).context["result"].count == 0
    assert client_as(admin).get(reverse("worklists:detail", args=["no-such"])).status_code == 404
