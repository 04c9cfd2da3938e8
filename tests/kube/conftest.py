"""KUBE records for tests, made through the services as regency staff would make them.

`form_group(staff, members=5)` registers a group and its members: persons of the registry, each
with an open fakir miskin (FM) case so that no eligibility warning stands in the way, the first
one chair (ketua). Persons get NIKs that follow the structure (district, birth date, serial).
"""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.categories_data import load_default_categories
from cases.models import Category, CategoryAlias
from kube import services
from kube.models import BusinessType, Kube, KubeRules, MemberRole, add_months, first_of_month
from kube.reference_data import ensure_rules_row, load_default_business_types
from tests.factories import first_village, register

_serials: dict[str, int] = {}


def nik_for(district_code: str, birth: date, sex: str = "L") -> str:
    """A structurally valid NIK of someone born on `birth` in the district, never reused."""
    _serials[district_code] = _serials.get(district_code, 0) + 1
    day = birth.day + (40 if sex == "P" else 0)
    digits = district_code.replace(".", "")
    return f"{digits}{day:02d}{birth.month:02d}{birth.year % 100:02d}{_serials[district_code]:04d}"


def registered_poor_person(staff, *, name: str, birth: date = date(1985, 3, 14), sex: str = "L"):
    """A head of family in the staff's regency with an open fakir miskin case."""
    village = first_village(staff.regency_id)
    case = register(
        staff,
        name=name,
        nik=nik_for(village.parent_id, birth, sex),
        category="FM",
        birth_date=birth,
        sex=sex,
        village_code=village.code,
    )
    return case.person


def new_group(staff, *, name: str = "KUBE Maju Bersama", **data) -> Kube:
    defaults = {
        "name": name,
        # Two years back: every report month the tests use (up to 24 months back) is after it.
        "year_formed": timezone.localdate().year - 2,
        "business_type": BusinessType.objects.get(code="peternakan"),
        "bank_name": "Bank Kaltimtara",
        "bank_account_number": "0012345678901",
        "bank_account_name": name,
        "pendamping_name": "Siti Rahmawati",
        "reporting_from": add_months(first_of_month(timezone.localdate()), -12),
    }
    return services.kube_create(actor=staff, regency=staff.regency, data=defaults | data)


def form_group(staff, *, members: int = 5, name: str = "KUBE Maju Bersama", **data) -> Kube:
    """A group with `members` members, the first of them chair."""
    kube = new_group(staff, name=name, **data)
    for index in range(members):
        person = registered_poor_person(staff, name=f"{name} Anggota {index + 1}")
        services.member_add(
            actor=staff,
            kube=kube,
            person=person,
            role=MemberRole.KETUA if index == 0 else MemberRole.ANGGOTA,
            joined_on=timezone.localdate(),
        )
    return kube


def report_data(month: date, **values) -> dict:
    data = {
        "month": month,
        "revenue": Decimal("5000000"),
        "costs": Decimal("3000000"),
        "capital": Decimal("21000000"),
        "iks_collected": Decimal("100000"),
        "iks_used": Decimal("0"),
        "meetings_held": 2,
        "bookkeeping_kept": True,
        "problems": "",
        "pendamping_notes": "",
    }
    return data | values


def months_back(count: int) -> date:
    return add_months(first_of_month(timezone.localdate()), -count)


def grant(staff, kube, amount="20000000", **data):
    defaults = {
        "source": "apbn",
        "amount": Decimal(amount),
        "granted_on": months_back(6),
        "reference": "SK Dinsos 12/2026",
        "notes": "",
        "partner": None,
    }
    return services.grant_add(actor=staff, kube=kube, data=defaults | data)


@pytest.fixture(autouse=True)
def reference(db):
    """Categories, business types and the rules row, which a transactional test's flush removes."""
    load_default_categories(Category, CategoryAlias)
    load_default_business_types(BusinessType)
    ensure_rules_row(KubeRules)


@pytest.fixture
def samarinda_group(samarinda_staff):
    return form_group(samarinda_staff, name="KUBE Mekar Sari")


@pytest.fixture
def balikpapan_group(balikpapan_staff):
    return form_group(balikpapan_staff, name="KUBE Teluk Indah")
