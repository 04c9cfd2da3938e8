"""Regions: loading the official list, changing regions with history, scoping by regency."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts.roles import Role
from audit.models import AuditEvent
from pmks_portal import access
from regions import services
from regions.models import Level, Region
from tests.conftest import BALIKPAPAN, KALTIM, SAMARINDA, make_persona

pytestmark = pytest.mark.django_db

KALSEL = "63"


@pytest.fixture
def no_regions(db):
    """An empty region table (the suite's preloaded regions are removed, for this test only)."""
    for level in (Level.VILLAGE, Level.DISTRICT, Level.REGENCY, Level.PROVINCE):
        Region.objects.filter(level=level).delete()
    assert not Region.objects.exists()


def load_regions(*args) -> str:
    out = StringIO()
    call_command("load_regions", *args, stdout=out)
    return out.getvalue()


def counts(province: str = KALTIM) -> dict[str, int]:
    regions = Region.objects.filter(code__regex=rf"^{province}(\.|$)")
    return {level: regions.filter(level=level).count() for level in Level.values}


KALTIM_COUNTS = {"province": 1, "regency": 10, "district": 105, "village": 1038}


def test_load_regions_loads_kaltims_province_regencies_districts_and_villages(no_regions):
    output = load_regions()

    assert counts() == KALTIM_COUNTS
    assert Region.objects.count() == sum(KALTIM_COUNTS.values())
    assert "created 1 province, 10 regencies/cities, 105 districts, 1038 villages" in output
    samarinda = Region.objects.get(code=SAMARINDA)
    assert samarinda.name == "Kota Samarinda"
    assert samarinda.level == Level.REGENCY
    assert samarinda.parent_id == KALTIM
    assert samarinda.is_city


def test_every_loaded_region_hangs_under_its_parent_one_level_up(no_regions):
    load_regions()
    levels = [Level.PROVINCE, Level.REGENCY, Level.DISTRICT, Level.VILLAGE]
    for region in Region.objects.exclude(level=Level.PROVINCE).select_related("parent"):
        assert region.code.startswith(region.parent.code + ".")
        assert levels.index(region.level) == levels.index(region.parent.level) + 1


def test_loading_the_regions_a_second_time_creates_nothing(no_regions):
    load_regions()
    before = list(Region.objects.values_list("code", "name", "is_active"))

    output = load_regions()

    assert list(Region.objects.values_list("code", "name", "is_active")) == before
    assert "created 0 province, 0 regencies/cities, 0 districts, 0 villages" in output
    assert "1154 already present" in output


def test_loading_again_keeps_a_region_renamed_in_the_portal(admin):
    samarinda = Region.objects.get(code=SAMARINDA)
    services.region_update(
        region=samarinda, actor=admin, name="Kota Samarinda Baru", is_active=True, reason="SK 1"
    )
    load_regions()
    assert Region.objects.get(code=SAMARINDA).name == "Kota Samarinda Baru"


def test_another_province_loads_from_the_national_files_beside_kaltim(kaltim):
    output = load_regions("--province", KALSEL)

    kalsel = Region.objects.get(code=KALSEL)
    assert kalsel.name == "Kalimantan Selatan"
    kalsel_counts = counts(KALSEL)
    assert kalsel_counts["province"] == 1
    assert kalsel_counts["regency"] == 13  # 11 kabupaten and 2 kota
    assert kalsel_counts["district"] > 100
    assert kalsel_counts["village"] > 1000
    assert counts() == KALTIM_COUNTS
    assert f"created 1 province, {kalsel_counts['regency']} regencies/cities" in output


def test_an_unknown_province_is_a_command_error_and_loads_nothing(no_regions):
    with pytest.raises(CommandError, match="99"):
        load_regions("--province", "99")
    assert not Region.objects.exists()


def test_a_province_code_given_as_a_prefix_of_another_loads_nothing(no_regions):
    # "6" is the start of 61..65 but no province: the loader must not read it as a prefix.
    with pytest.raises(CommandError):
        load_regions("--province", "6")
    assert not Region.objects.exists()


def test_a_missing_source_folder_is_a_command_error(no_regions, tmp_path):
    with pytest.raises(CommandError, match="nowhere/provinces.csv"):
        load_regions("--source", str(tmp_path / "nowhere"))
    assert not Region.objects.exists()


def test_a_source_file_without_the_expected_columns_is_a_command_error(no_regions, tmp_path):
    for name in ("provinces.csv", "regencies.csv", "districts.csv", "villages.csv"):
        (tmp_path / name).write_text(
            (settings.REGIONS_DATA_DIR / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    (tmp_path / "districts.csv").write_text("kode,nama\n64.72.01,Palaran\n", encoding="utf-8")

    with pytest.raises(CommandError, match="districts.csv .*regency_code"):
        load_regions("--source", str(tmp_path))
    assert not Region.objects.exists()


# --- Changing regions -------------------------------------------------------------------------


def test_renaming_a_region_keeps_the_old_and_new_name_and_the_reason(admin):
    samarinda = Region.objects.get(code=SAMARINDA)

    services.region_update(
        region=samarinda,
        actor=admin,
        name="Kota Samarinda Raya",
        is_active=True,
        reason="Kepmendagri 100.1.1-6117 Tahun 2022",
    )

    assert Region.objects.get(code=SAMARINDA).name == "Kota Samarinda Raya"
    event = AuditEvent.objects.for_object(samarinda).get()
    assert event.action == AuditEvent.Action.UPDATE
    assert event.actor == admin
    assert event.changes == {"name": ["Kota Samarinda", "Kota Samarinda Raya"]}
    assert event.reason == "Kepmendagri 100.1.1-6117 Tahun 2022"
    assert event.regency_id == SAMARINDA


def test_a_region_change_without_a_reason_is_refused_and_nothing_changes(admin):
    samarinda = Region.objects.get(code=SAMARINDA)
    with pytest.raises(ValidationError):
        services.region_update(
            region=samarinda, actor=admin, name="Tanpa Alasan", is_active=True, reason="  "
        )
    assert Region.objects.get(code=SAMARINDA).name == "Kota Samarinda"
    assert not AuditEvent.objects.for_object(samarinda).exists()


def test_deactivating_a_region_is_recorded_as_a_deactivation(admin):
    village = Region.objects.filter(code__startswith=f"{SAMARINDA}.", level=Level.VILLAGE).first()

    services.region_update(
        region=village, actor=admin, name=village.name, is_active=False, reason="Pemekaran"
    )

    village.refresh_from_db()
    assert village.is_active is False
    event = AuditEvent.objects.for_object(village).get()
    assert event.action == AuditEvent.Action.DEACTIVATE
    assert event.changes == {"is_active": [True, False]}


def test_an_admin_renames_a_region_through_the_portal(admin, login):
    response = login(admin).post(
        f"/wilayah/{BALIKPAPAN}/ubah/",
        {"name": "Kota Balikpapan Baru", "is_active": "on", "reason": "SK Gubernur"},
    )
    assert response.status_code == 302
    assert Region.objects.get(code=BALIKPAPAN).name == "Kota Balikpapan Baru"
    history = login(admin).get(f"/wilayah/{BALIKPAPAN}/")
    assert b"Kota Balikpapan Baru" in history.content
    assert b"SK Gubernur" in history.content


def test_a_region_that_a_user_points_to_cannot_be_deleted(admin, kaltim):
    lonely = Region.objects.create(
        code="64.99", level=Level.REGENCY, parent=kaltim, name="Kabupaten Tanpa Kecamatan"
    )
    make_persona("staf_tanpa_kecamatan", Role.REGENCY_STAFF, lonely)

    with pytest.raises(services.RegionInUse):
        services.region_delete(region=lonely, actor=admin, reason="Uji")

    assert Region.objects.filter(code="64.99").exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DELETE).exists()


def test_a_region_with_subdivisions_cannot_be_deleted(admin):
    district = Region.objects.filter(code__startswith=f"{SAMARINDA}.", level=Level.DISTRICT).first()
    with pytest.raises(services.RegionInUse):
        services.region_delete(region=district, actor=admin, reason="Uji")
    assert Region.objects.filter(code=district.code).exists()


def test_deleting_a_region_in_use_through_the_portal_keeps_it_and_says_why(admin, login):
    response = login(admin).post(f"/wilayah/{SAMARINDA}/hapus/", {"reason": "Uji"}, follow=True)
    assert Region.objects.filter(code=SAMARINDA).exists()
    assert response.redirect_chain[-1][0] == f"/wilayah/{SAMARINDA}/ubah/"
    assert any("deactivate" in str(m) or "nonaktif" in str(m) for m in response.context["messages"])


def test_an_unreferenced_village_can_be_deleted_with_a_reason(admin, login):
    village = Region.objects.filter(code__startswith=f"{BALIKPAPAN}.", level=Level.VILLAGE).last()

    response = login(admin).post(f"/wilayah/{village.code}/hapus/", {"reason": "Salah input"})

    assert response.status_code == 302
    assert response["Location"] == f"/wilayah/{village.parent_id}/"
    assert not Region.objects.filter(code=village.code).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE)
    assert (event.target_id, event.reason, event.actor) == (village.code, "Salah input", admin)
    assert event.changes == {"name": [village.name, None]}


# --- Scoping ----------------------------------------------------------------------------------


def test_samarinda_staff_see_only_the_samarinda_subtree(samarinda_staff, samarinda_viewer):
    subtree = set(Region.objects.filter(code__startswith=SAMARINDA).values_list("code", flat=True))
    assert len(subtree) > 50
    for user in (samarinda_staff, samarinda_viewer):
        visible = set(Region.objects.visible_to(user).values_list("code", flat=True))
        assert visible == subtree
        assert all(code == SAMARINDA or code.startswith(f"{SAMARINDA}.") for code in visible)


def test_the_province_and_admins_see_every_region(admin, provincial_officer):
    for user in (admin, provincial_officer):
        assert Region.objects.visible_to(user).count() == Region.objects.count()


def test_a_user_without_a_role_sees_no_region(no_role_user):
    assert not Region.objects.visible_to(no_role_user).exists()
    assert not access.can(no_role_user, access.Capability.READ_RECORDS)


def test_samarinda_staff_list_only_their_own_city(samarinda_staff, login):
    response = login(samarinda_staff).get("/wilayah/")
    assert [r.code for r in response.context["regencies"]] == [SAMARINDA]
    assert b"Kota Balikpapan" not in response.content


def test_samarinda_staff_get_a_404_for_balikpapan_and_its_villages(samarinda_staff, login):
    client = login(samarinda_staff)
    below = Region.objects.filter(code__startswith=f"{BALIKPAPAN}.").order_by("code")
    balikpapan_codes = [BALIKPAPAN, *below.values_list("code", flat=True)[:5]]
    for code in balikpapan_codes:
        assert client.get(f"/wilayah/{code}/").status_code == 404
    assert client.get(f"/wilayah/{SAMARINDA}/").status_code == 200


def test_the_samarinda_region_page_lists_only_its_own_districts(samarinda_staff, login):
    response = login(samarinda_staff).get(f"/wilayah/{SAMARINDA}/")
    children = list(response.context["children"])
    assert children
    assert all(child.parent_id == SAMARINDA for child in children)
