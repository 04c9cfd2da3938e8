from django.urls import path

from kube import views

app_name = "kube"

urlpatterns = [
    path("", views.kube_list, name="list"),
    path("ekspor/", views.kube_export, name="export"),
    path("kelengkapan/", views.completeness, name="completeness"),
    path("baru/", views.kube_create, name="create"),
    path("<int:pk>/", views.kube_detail, name="detail"),
    path("<int:pk>/ubah/", views.kube_edit, name="edit"),
    path("<int:pk>/status/", views.kube_status, name="status"),
    path("<int:pk>/tingkat/", views.kube_stage, name="stage"),
    path("<int:pk>/anggota/tambah/", views.member_add, name="member-add"),
    path("<int:pk>/anggota/<int:member_pk>/peran/", views.member_role, name="member-role"),
    path("<int:pk>/anggota/<int:member_pk>/keluar/", views.member_leave, name="member-leave"),
    path("<int:pk>/hibah/tambah/", views.grant_add, name="grant-add"),
    path(
        "<int:pk>/hibah/<int:grant_pk>/pencairan/",
        views.disbursement_add,
        name="disbursement-add",
    ),
    path("<int:pk>/laporan/tambah/", views.report_add, name="report-add"),
    path("<int:pk>/laporan/<int:year>/<int:month>/", views.report_detail, name="report-detail"),
    path(
        "<int:pk>/laporan/<int:year>/<int:month>/koreksi/",
        views.report_correct,
        name="report-correct",
    ),
    path("<int:pk>/mitra/tambah/", views.partner_link, name="partner-link"),
    path("<int:pk>/mitra/<int:link_pk>/selesai/", views.partnership_end, name="partnership-end"),
    path("mitra/", views.partner_list, name="partners"),
    path("mitra/<int:pk>/", views.partner_edit, name="partner-edit"),
    path("referensi/jenis-usaha/", views.business_type_list, name="business-types"),
    path("referensi/jenis-usaha/baru/", views.business_type_create, name="business-type-create"),
    path("referensi/jenis-usaha/<int:pk>/", views.business_type_edit, name="business-type-edit"),
    path("referensi/aturan/", views.rules_edit, name="rules"),
]
