from django.urls import include, path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("cari/", views.case_search, name="search"),
    path("ekspor/", views.case_export, name="export"),
    path("impor/", include("cases.import_urls")),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/ubah/", views.case_edit, name="edit"),
    path("<int:pk>/status/", views.case_transition, name="transition"),
    path("<int:pk>/intervensi/", views.intervention_add, name="intervention-add"),
    path("<int:pk>/rincian/", views.case_details_save, name="details-save"),
    path("<int:pk>/pasung/kunjungan/", views.pasung_event_add, name="pasung-event-add"),
    path("orang/baru/", views.person_create, name="person-create"),
    path("orang/<int:pk>/", views.person_detail, name="person-detail"),
    path("orang/<int:pk>/ubah/", views.person_edit, name="person-edit"),
    path("orang/<int:pk>/gabung/", views.person_merge, name="person-merge"),
    path("orang/<int:person_pk>/kasus-baru/", views.case_create, name="case-create"),
    path("<int:pk>/lampiran/", views.attachment_upload, name="attachment-upload"),
    path("lampiran/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("lampiran/<int:pk>/hapus/", views.attachment_delete, name="attachment-delete"),
]
