"""Records of the case registry for tests: a street child in Samarinda, one in Balikpapan."""

from datetime import date

import pytest

from cases.categories_data import load_default_categories
from cases.models import Category, CategoryAlias
from tests.factories import register


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
