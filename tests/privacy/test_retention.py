"""Retention: persons past it are pseudonymised once, a legal hold keeps them, and no figure of
any dashboard, report or the open-data page changes."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from audit.models import AuditEvent
from cases import services
from cases.models import Attachment, Case, CaseStatus, Person
from privacy import opendata, retention, tasks
from privacy.models import LegalHold, Pseudonymised, RetentionRule, RetentionRun
from reports import figures, summary
from reports.models import CaseFlow, CaseStock
from tests.reports.conftest import register

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
NOVEMBER_2026 = datetime(2026, 11, 20, 10, 0, tzinfo=WITA)
# Ten years (children's categories) and a bit after the street children's cases were resolved.
JANUARY_2037 = datetime(2037, 1, 15, 10, 0, tzinfo=WITA)


def _resolve(staff, case, on=date(2026, 11, 5)):
    for status in (CaseStatus.VERIFIED, CaseStatus.IN_HANDLING, CaseStatus.RESOLVED):
        case = services.case_transition(
            actor=staff, case=case, to_status=status, effective_on=on, reason="Rudi pulang"
        )
    return case


@pytest.fixture
def registry(samarinda_staff, balikpapan_staff):
    """Samarinda: Rudi (resolved, with a photo), Bayu (resolved, under a legal hold), Agus
    (still open). Balikpapan: Dewi (resolved), Sari (prostitution, resolved)."""
    with time_machine.travel(NOVEMBER_2026, tick=False):
        rudi = _resolve(
            samarinda_staff, register(samarinda_staff, name="Rudi Hartono", nik="6472051705120003")
        )
        bayu = _resolve(samarinda_staff, register(samarinda_staff, name="Bayu Saputra"))
        agus = register(samarinda_staff, name="Agus Pratama")
        dewi = _resolve(balikpapan_staff, register(balikpapan_staff, name="Dewi Lestari", sex="P"))
        sari = _resolve(
            balikpapan_staff,
            register(
                balikpapan_staff,
                name="Sari Wulandari",
                sex="P",
                category="TS",
                birth_date=date(1990, 3, 3),
            ),
        )
        Person.objects.filter(pk=rudi.person_id).update(
            address="Jl. Pahlawan 12", phone="081234567890", kk_number="6472050101100001"
        )
        photo = Attachment(case=rudi, original_name="rudi.jpg", content_type="image/jpeg", size=3)
        photo.file.save("rudi.jpg", ContentFile(b"abc"), save=False)
        photo.save()
        LegalHold.objects.create(person=bayu.person, reason="Perkara di pengadilan")
        summary.refresh()
    return {"rudi": rudi, "bayu": bayu, "agus": agus, "dewi": dewi, "sari": sari, "photo": photo}


def _every_figure() -> dict:
    """The summary rows and what the province's and each regency's pages and reports show."""
    result = {
        "stock": sorted(
            CaseStock.objects.values_list(
                "month",
                "regency_id",
                "district_id",
                "category_id",
                "programme",
                "status",
                "open_against_target",
                "cases",
            )
        ),
        "flow": sorted(
            CaseFlow.objects.values_list(
                "month",
                "regency_id",
                "district_id",
                "category_id",
                "programme",
                "found",
                "resolved",
                "relapsed",
                "closed",
                "released",
                "reshackled",
            )
        ),
    }
    from regions.models import Region

    for month in (date(2026, 11, 1), summary.current_month()):
        for scope in [None, *Region.objects.filter(code__in=["64.72", "64.71"])]:
            overview = figures.overview(scope, month, extras=False)
            result[(month, getattr(scope, "code", None))] = (
                [(s.target.code, s.series, s.remaining, s.status) for s in overview.own],
                [(c.code, c.active, c.total, c.open_against_target) for c in overview.categories],
                [(d.code, d.active, d.open_by_programme) for d in overview.districts],
            )
        pub = opendata.publication(opendata.period_for(f"{month:%Y-%m}"))
        result[("open data", month)] = (
            list(pub.target_rows()),
            list(pub.category_rows()),
        )
    return result


def test_a_person_past_retention_is_pseudonymised_and_no_figure_changes(
    registry, django_capture_on_commit_callbacks, report_files
):
    rudi = registry["rudi"].person
    stored = registry["photo"].file.name
    assert (report_files / stored).exists()
    with time_machine.travel(JANUARY_2037, tick=False):
        summary.refresh(everything=True)
        before = _every_figure()
        with django_capture_on_commit_callbacks(execute=True):
            run = RetentionRun.objects.get(pk=tasks.pseudonymise_past_retention())
        figures.forget_targets()
        summary.refresh()
        # The summary's nightly recount finds nothing to correct either.
        assert summary.reconcile().rows_changed == 0
        after = _every_figure()
    assert after == before

    rudi.refresh_from_db()
    assert rudi.name == f"Pseudonim {rudi.pk}"
    assert (rudi.nik, rudi.kk_number, rudi.address, rudi.phone) == (None, "", "", "")
    assert rudi.birth_date == date(2012, 7, 1)
    assert not Attachment.objects.filter(case__person=rudi).exists()
    assert not (report_files / stored).exists()
    # The history keeps who did what and when, without the values that identify him.
    history = AuditEvent.objects.filter(target_type="cases.person", target_id=str(rudi.pk))
    assert history.count() >= 2
    text = repr(list(AuditEvent.objects.values_list("changes", "reason")))
    assert "Rudi Hartono" not in text and "6472051705120003" not in text
    assert run.persons == 3 and run.held == 1  # Rudi, Dewi and Sari; Bayu held
    assert sorted(run.person_ids) == sorted(
        [rudi.pk, registry["dewi"].person_id, registry["sari"].person_id]
    )
    assert run.attachments == 1 and run.audit_events > 0


def test_a_legal_hold_an_open_case_and_a_longer_period_keep_the_person(registry):
    with time_machine.travel(JANUARY_2037, tick=False):
        retention.retention_run()
    kept = Person.objects.filter(pk__in=[registry[k].person_id for k in ("bayu", "agus")])
    assert sorted(p.name for p in kept) == ["Agus Pratama", "Bayu Saputra"]
    assert not Pseudonymised.objects.filter(person__in=kept).exists()
    # Prostitution keeps two years by default: long past in 2037 as well.
    assert Person.objects.get(pk=registry["sari"].person_id).name.startswith("Pseudonim")


def test_nothing_is_due_before_the_period_ends_and_a_rule_overrides_the_default(registry):
    with time_machine.travel(datetime(2030, 1, 15, 10, 0, tzinfo=WITA), tick=False):
        run = retention.retention_run(dry_run=True)
        assert run.person_ids == [registry["sari"].person_id]  # TS: two years
        street = registry["rudi"].category
        RetentionRule.objects.create(category=street, years=3, reason="Keputusan PPID")
        run = retention.retention_run(dry_run=True)
    assert sorted(run.person_ids) == sorted(
        [registry["sari"].person_id, registry["rudi"].person_id, registry["dewi"].person_id]
    )
    # A dry run changes no one.
    assert Person.objects.get(pk=registry["rudi"].person_id).name == "Rudi Hartono"


def test_a_second_run_finds_nobody(registry):
    with time_machine.travel(JANUARY_2037, tick=False):
        first = retention.retention_run()
        second = retention.retention_run()
    assert first.persons == 3 and second.persons == 0
    assert Case.objects.count() == 5


def test_admins_set_periods_and_place_and_lift_holds(login, admin, samarinda_staff, registry):
    client = login(admin)
    url = reverse("pdp:retention")
    street = registry["rudi"].category
    client.post(url, {"action": "rule", "category": street.pk, "years": 7, "reason": "SK PPID"})
    assert retention.retention_periods()[street.pk] == (7, "SK PPID")
    dewi = registry["dewi"].person_id
    client.post(url, {"action": "hold", "person": dewi, "reason": "Audit BPK"})
    hold = LegalHold.objects.get(person_id=dewi)
    assert dewi in retention.held_person_ids()
    client.post(url, {"action": "lift", "hold": hold.pk})
    assert dewi not in retention.held_person_ids()
    assert "SK PPID" in client.get(url).content.decode()
    assert login(samarinda_staff).post(url, {"action": "lift", "hold": 1}).status_code == 403
