"""Records of the case registry for tests: a street child in Samarinda, one in Balikpapan."""

from datetime import date

import pytest

from cases import services
from cases.categories_data import load_default_categories
from cases.models import Category, CategoryAlias
from regions.models import Region


def register(
    staff,
    *,
    name: str,
    nik: str | None = None,
    category: str = "AJ",
    village_code: str | None = None,
    birth_date=date(2012, 5, 17),
    sex: str = "L",
    is_pasung: bool = False,
):
    """A person and one case, registered through the services as regency staff would."""
    regency = staff.regency
    village = (
        Region.objects.get(code=village_code)
        if village_code
        else (
            Region.objects.filter(level="village", code__startswith=f"{regency.code}.")
            .order_by("code")
            .first()
        )
    )
    person = services.person_create(
        actor=staff,
        regency=regency,
        confirmed=True,
        data={"nik": nik, "name": name, "sex": sex, "birth_date": birth_date, "village": village},
    )
    case = services.case_create(
        actor=staff,
        person=person,
        regency=regency,
        is_pasung=is_pasung,
        data={
            "category": Category.objects.get(code=category),
            "district": village.parent,
            "village": village,
            "found_on": date(2026, 10, 1),
            "source": "outreach",
        },
    )
    return case


@pytest.fixture
def samarinda_case(samarinda_staff):
    return register(samarinda_staff, name="Rudi Hartono", nik="6472051705120003")


@pytest.fixture
def balikpapan_case(balikpapan_staff):
    return register(
        balikpapan_staff,
        name="Dewi Lestari",
        nik="6471025708110002",
        sex="P",
        birth_date=date(2011, 8, 17),
    )


@pytest.fixture(autouse=True)
def categories(db):
    """The 26 categories: loaded by migration, but gone after a transactional test's flush."""
    load_default_categories(Category, CategoryAlias)
