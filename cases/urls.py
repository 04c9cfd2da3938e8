from django.urls import include, path

from cases import views
from pmks_portal import converters  # noqa: F401 - registers <id:>, <year:>, <month:>

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("cari/", views.case_search, name="search"),
    path("ekspor/", views.case_export, name="export"),
    path("impor/", include("cases.import_urls")),
    path("<id:pk>/", views.case_detail, name="detail"),
    path("<id:pk>/ubah/", views.case_edit, name="edit"),
    path("<id:pk>/status/", views.case_transition, name="transition"),
    path("<id:pk>/intervensi/", views.intervention_add, name="intervention-add"),
    path("<id:pk>/rincian/", views.case_details_save, name="details-save"),
    path("<id:pk>/pasung/kunjungan/", views.pasung_event_add, name="pasung-event-add"),
    path("orang/baru/", views.person_create, name="person-create"),
    path("orang/<id:pk>/", views.person_detail, name="person-detail"),
    path("orang/<id:pk>/ubah/", views.person_edit, name="person-edit"),
    path("orang/<id:pk>/gabung/", views.person_merge, name="person-merge"),
    path("orang/<id:person_pk>/kasus-baru/", views.case_create, name="case-create"),
    path("<id:pk>/lampiran/", views.attachment_upload, name="attachment-upload"),
    path("lampiran/<id:pk>/", views.attachment_download, name="attachment-download"),
    path("lampiran/<id:pk>/hapus/", views.attachment_delete, name="attachment-delete"),
]
