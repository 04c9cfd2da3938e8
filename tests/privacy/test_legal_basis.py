"""Each case's legal basis; consent needs its proof, a child's the guardian's; referrals."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from cases import services
from cases.forms import CaseForm
from cases.models import Case, Category, LegalBasis
from privacy.models import Referral
from tests.reports.conftest import register

pytestmark = pytest.mark.django_db


def _case(staff, person, **extra):
    return services.case_create(
        actor=staff,
        person=person,
        regency=staff.regency,
        is_pasung=False,
        data={
            "category": Category.objects.get(code="AT"),
            "found_on": date(2026, 10, 1),
            "source": "outreach",
            **extra,
        },
    )


def test_a_case_is_a_public_task_unless_said_otherwise(samarinda_case):
    assert samarinda_case.legal_basis == LegalBasis.PUBLIC_TASK


def test_consent_needs_who_when_and_where_the_proof_is(samarinda_staff, samarinda_case):
    with pytest.raises(ValidationError) as refused:
        _case(samarinda_staff, samarinda_case.person, legal_basis="consent")
    assert set(refused.value.message_dict) == {"consent_by", "consent_on", "consent_evidence"}


def test_a_child_consents_through_a_parent_or_guardian(samarinda_staff, samarinda_case):
    child = samarinda_case.person  # born 2012
    consent = {"legal_basis": "consent", "consent_on": date(2026, 10, 1),
               "consent_evidence": "Map kasus, lemari 2"}  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        _case(samarinda_staff, child, consent_by="subject", **consent)
    assert "consent_by" in refused.value.message_dict
    case = _case(samarinda_staff, child, consent_by="guardian", **consent)
    assert Case.objects.get(pk=case.pk).consent_by == "guardian"


def test_an_adult_may_consent_for_themselves(samarinda_staff):
    adult = register(samarinda_staff, name="Budi Santoso", birth_date=date(1980, 1, 1)).person
    case = _case(samarinda_staff, adult, legal_basis="consent", consent_by="subject",
                 consent_on=date(2026, 10, 1), consent_evidence="Map kasus")  # fmt: skip
    assert case.legal_basis == "consent"


def test_the_case_form_asks_for_the_basis():
    assert {"legal_basis", "consent_by", "consent_on", "consent_evidence"} <= set(
        CaseForm.Meta.fields
    )


def test_a_referral_records_what_was_shared_with_whom(login, samarinda_staff, samarinda_case,
                                                      balikpapan_staff):  # fmt: skip
    url = reverse("pdp:referrals", args=[samarinda_case.pk])
    assert login(balikpapan_staff).get(url).status_code == 404
    client = login(samarinda_staff)
    response = client.post(url, {"agency": "RSJD Atma Husada", "shared": "nama, diagnosis",
                                 "purpose": "perawatan", "shared_on": "2026-10-02"})  # fmt: skip
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.agency, referral.shared, referral.by) == (
        "RSJD Atma Husada",
        "nama, diagnosis",
        samarinda_staff,
    )
    assert (
        AuditEvent.objects.for_object(samarinda_case).filter(changes__has_key="referral").exists()
    )
