from django.urls import reverse

from audit.models import AuditEvent
from cases.models import Category, CategoryAlias


def test_the_26_categories_and_legacy_codes_are_loaded_by_migration(db):
    assert Category.objects.count() == 26
    assert Category.objects.get(code="AJ").programme == "street_children"
    assert Category.objects.get(code="TS").programme == "prostitution"
    assert CategoryAlias.objects.get(alias="WRSE").category.code == "PRSE"
    assert CategoryAlias.objects.get(alias="KFM").category.code == "FM"
    assert CategoryAlias.objects.get(alias="PACA").category.code == "PD"


def form_data(**overrides):
    data = {
        "code": "PSKL",
        "name": "Pekerja Sawit Korban Lahan",
        "name_en": "",
        "cluster": "",
        "programme": "",
        "sort_order": "200",
        "is_active": "on",
        "aliases": "psk-lama",
    }
    data.update(overrides)
    return data


def test_an_admin_adds_a_local_category_with_aliases_and_history(login, admin):
    client = login(admin)
    assert client.post(reverse("categories:create"), form_data()).status_code == 302
    category = Category.objects.get(code="PSKL")
    assert list(category.aliases.values_list("alias", flat=True)) == ["PSK-LAMA"]
    assert AuditEvent.objects.for_object(category).filter(action="create").exists()


def test_an_admin_renames_and_deactivates_a_category(login, admin):
    client = login(admin)
    category = Category.objects.get(code="KMi")
    response = client.post(
        reverse("categories:edit", args=[category.pk]),
        form_data(code="KMi", name="Kelompok Minoritas (lokal)", is_active="", aliases=""),
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.name == "Kelompok Minoritas (lokal)" and not category.is_active
    event = AuditEvent.objects.for_object(category).get()
    assert event.changes["is_active"] == [True, False]


def test_an_alias_of_another_category_is_refused(login, admin):
    client = login(admin)
    response = client.post(reverse("categories:create"), form_data(aliases="WRSE"))
    assert response.status_code == 200 and not Category.objects.filter(code="PSKL").exists()


def test_only_admins_manage_categories(login, provincial_officer):
    client = login(provincial_officer)
    assert client.get(reverse("categories:list")).status_code == 403
