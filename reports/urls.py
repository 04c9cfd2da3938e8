from django.urls import path

import regions.urls  # noqa: F401 - registers the <region:...> converter
from pmks_portal import converters  # noqa: F401 - registers <id:>, <year:>, <month:>
from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("provinsi/", views.province, name="province"),
    path("wilayah/<region:code>/", views.regency, name="regency"),
    path("kecamatan/<region:code>/", views.district, name="district"),
    path("peta/", views.outlines, name="outlines"),
    path("peta/hapus/", views.outlines_remove, name="outlines-remove"),
    path("berkas/", views.runs, name="runs"),
    path("berkas/<uuid:pk>/", views.run_detail, name="run"),
    path("berkas/<uuid:pk>/status/", views.run_status, name="run-status"),
    path("berkas/<uuid:pk>/ulang/", views.run_rebuild, name="run-rebuild"),
    path("berkas/<uuid:pk>/pdf/", views.run_pdf, name="run-pdf"),
    path("berkas/<uuid:pk>/xlsx/", views.run_xlsx, name="run-xlsx"),
    path("sasaran/", views.target_list, name="targets"),
    path("sasaran/baru/", views.target_create, name="target-create"),
    path("sasaran/<id:pk>/", views.target_edit, name="target-edit"),
    path("sasaran/<id:pk>/tetapkan-ulang/", views.target_restate, name="target-restate"),
    path("sasaran/<id:pk>/baseline/", views.target_baseline, name="target-baseline"),
    path("sasaran/<id:pk>/tonggak/", views.target_milestone, name="target-milestone"),
]
