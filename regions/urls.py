from django.urls import path, register_converter

from regions import views
from regions.models import CODE_PATTERN


class RegionCodeConverter:
    regex = CODE_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(RegionCodeConverter, "region")

app_name = "regions"

urlpatterns = [
    path("", views.region_list, name="list"),
    path("<region:code>/", views.region_detail, name="detail"),
    path("<region:code>/ubah/", views.region_edit, name="edit"),
    path("<region:code>/hapus/", views.region_delete, name="delete"),
]
