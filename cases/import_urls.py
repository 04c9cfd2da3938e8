"""URLs of the case import, mounted by cases/urls.py under kasus/impor/ (namespace "cases")."""

from django.urls import path

from cases import import_views as views
from pmks_portal import converters  # noqa: F401 - registers <id:>, <year:>, <month:>

urlpatterns = [
    path("", views.import_upload, name="import-upload"),
    path("templat.xlsx", views.import_template, name="import-template"),
    path("<id:pk>/", views.import_detail, name="import-detail"),
    path("<id:pk>/progres/", views.import_progress, name="import-progress"),
    path("<id:pk>/simpan/", views.import_commit, name="import-commit"),
    path("<id:pk>/periksa-ulang/", views.import_recheck, name="import-check"),
    path("<id:pk>/ditolak.csv", views.import_errors, name="import-errors"),
    path("<id:pk>/ditolak.xlsx", views.import_errors_xlsx, name="import-errors-xlsx"),
    # The provincial office's file for the whole province (#15).
    path("provinsi/", views.province_import_upload, name="province-import-upload"),
    path("provinsi/<id:pk>/", views.province_import_detail, name="province-import-detail"),
    path(
        "provinsi/<id:pk>/progres/", views.province_import_progress, name="province-import-progress"
    ),
    path(
        "provinsi/<id:pk>/ditolak.csv", views.province_import_errors, name="province-import-errors"
    ),
    path("provinsi/<id:pk>/simpan/", views.province_import_commit, name="province-import-commit"),
    path(
        "provinsi/<id:pk>/periksa-ulang/",
        views.province_import_recheck,
        name="province-import-check",
    ),
]
