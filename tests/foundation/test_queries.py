"""Query counts of the list and detail pages are pinned, and do not grow with more rows.

Every signed-in request of an administrator (who has no regency to show in the menu) costs:
  1. the session,
  2. the signed-in user (with the regency);
the session is not saved again within a minute of sign-in (the idle timeout restarts at most
once a minute).
"""

import pytest
from django.urls import reverse

from accounts.roles import Role
from regions import services
from regions.models import Level, Region
from tests.conftest import SAMARINDA, make_persona
from tests.helpers import SESSION_AND_USER

pytestmark = pytest.mark.django_db


def add_regencies(kaltim, how_many: int) -> None:
    for number in range(how_many):
        regency = Region.objects.create(
            code=f"64.{80 + number}", level=Level.REGENCY, parent=kaltim, name=f"Kab. Uji {number}"
        )
        Region.objects.create(
            code=f"{regency.code}.01", level=Level.DISTRICT, parent=regency, name="Kec. Uji"
        )


def add_districts_and_history(admin, how_many: int) -> None:
    samarinda = Region.objects.get(code=SAMARINDA)
    for number in range(how_many):
        Region.objects.create(
            code=f"{SAMARINDA}.{90 + number}",
            level=Level.DISTRICT,
            parent=samarinda,
            name=f"Kec. Uji {number}",
        )
        services.region_update(
            region=samarinda,
            actor=admin,
            name=f"Kota Samarinda {number}",
            is_active=True,
            reason=f"Uji {number}",
        )


def add_users(how_many: int) -> None:
    regencies = list(Region.objects.regencies().in_province("64"))
    for number in range(how_many):
        make_persona(f"staf_{number}", Role.REGENCY_STAFF, regencies[number % len(regencies)])


def test_the_region_list_costs_one_query_for_all_regencies_and_their_district_counts(
    admin, login, kaltim, django_assert_num_queries
):
    client = login(admin)
    url = reverse("regions:list")
    # The regencies with their number of districts: one query (COUNT ... GROUP BY).
    expected = SESSION_AND_USER + 1
    with django_assert_num_queries(expected):
        assert len(client.get(url).context["regencies"]) == 10

    add_regencies(kaltim, 5)
    with django_assert_num_queries(expected):
        assert len(client.get(url).context["regencies"]) == 15


def test_the_region_detail_costs_the_same_however_many_subdivisions_and_changes(
    admin, login, django_assert_num_queries
):
    client = login(admin)
    url = reverse("regions:detail", args=[SAMARINDA])
    # The region; its ancestors (one query for all levels); its children with their number of
    # subdivisions; its history with each change's author (select_related).
    expected = SESSION_AND_USER + 4
    with django_assert_num_queries(expected):
        before = client.get(url)
    assert len(before.context["history"].changes) == 0

    add_districts_and_history(admin, 6)
    with django_assert_num_queries(expected):
        after = client.get(url)
    assert len(after.context["children"]) == len(before.context["children"]) + 6
    assert len(after.context["history"].changes) == 6


def test_the_user_list_costs_one_query_for_all_users_and_their_regencies(
    admin, login, samarinda_staff, django_assert_num_queries
):
    client = login(admin)
    url = reverse("accounts:user-list")
    # The users with their regency (select_related): one query.
    expected = SESSION_AND_USER + 1
    with django_assert_num_queries(expected):
        assert len(client.get(url).context["users"]) == 2

    add_users(20)
    with django_assert_num_queries(expected):
        assert len(client.get(url).context["users"]) == 22
