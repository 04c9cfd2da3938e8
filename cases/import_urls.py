"""URLs of the case import, mounted by cases/urls.py under kasus/impor/ (namespace "cases")."""

from django.urls import path

from cases import import_views as views

urlpatterns = [
    path("", views.import_upload, name="import-upload"),
    path("templat.xlsx", views.import_template, name="import-template"),
    path("<int:pk>/", views.import_detail, name="import-detail"),
    path("<int:pk>/progres/", views.import_progress, name="import-progress"),
    path("<int:pk>/simpan/", views.import_commit, name="import-commit"),
    path("<int:pk>/periksa-ulang/", views.import_recheck, name="import-check"),
    path("<int:pk>/ditolak.csv", views.import_errors, name="import-errors"),
    path("<int:pk>/ditolak.xlsx", views.import_errors_xlsx, name="import-errors-xlsx"),
]
