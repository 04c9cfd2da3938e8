"""Records for tests, made through the services as regency staff would make them (so every test
record passed the same checks as a real one). Plain functions: factory_boy would bypass the
services, which is exactly what these must not do.

`register(staff, name=...)` gives a person and one case of the staff's regency. The packages'
conftests build their own records on these (tests/kube/conftest.py's groups, for example).
"""

from datetime import date

from cases import services
from cases.models import Category
from regions.models import Region


def first_village(regency_code: str) -> Region:
    """The regency's first village by code: a stable place for a test record."""
    return (
        Region.objects.filter(level="village", code__startswith=f"{regency_code}.")
        .order_by("code")
        .first()
    )


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
    found_on: date = date(2026, 10, 1),
    **case_data,
):
    """A person and one case, registered through the services as regency staff would;
    `case_data` adds or overrides the case's fields (registered_on, restraint_form...)."""
    regency = staff.regency
    village = Region.objects.get(code=village_code) if village_code else first_village(regency.code)
    person = services.person_create(
        actor=staff,
        regency=regency,
        confirmed=True,
        data={"nik": nik, "name": name, "sex": sex, "birth_date": birth_date, "village": village},
    )
    return services.case_create(
        actor=staff,
        person=person,
        regency=regency,
        is_pasung=is_pasung,
        data={
            "category": Category.objects.get(code=category),
            "district": village.parent,
            "village": village,
            "found_on": found_on,
            "source": "outreach",
            **case_data,
        },
    )
