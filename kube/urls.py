from django.urls import path

from kube import views
from pmks_portal import converters  # noqa: F401 - registers <id:>, <year:>, <month:>

app_name = "kube"

urlpatterns = [
    path("", views.kube_list, name="list"),
    path("ekspor/", views.kube_export, name="export"),
    path("kelengkapan/", views.completeness, name="completeness"),
    path("baru/", views.kube_create, name="create"),
    path("<id:pk>/", views.kube_detail, name="detail"),
    path("<id:pk>/ubah/", views.kube_edit, name="edit"),
    path("<id:pk>/status/", views.kube_status, name="status"),
    path("<id:pk>/tingkat/", views.kube_stage, name="stage"),
    path("<id:pk>/anggota/tambah/", views.member_add, name="member-add"),
    path("<id:pk>/anggota/<id:member_pk>/peran/", views.member_role, name="member-role"),
    path("<id:pk>/anggota/<id:member_pk>/keluar/", views.member_leave, name="member-leave"),
    path("<id:pk>/hibah/tambah/", views.grant_add, name="grant-add"),
    path(
        "<id:pk>/hibah/<id:grant_pk>/pencairan/",
        views.disbursement_add,
        name="disbursement-add",
    ),
    path("<id:pk>/laporan/tambah/", views.report_add, name="report-add"),
    path("<id:pk>/laporan/<year:year>/<month:month>/", views.report_detail, name="report-detail"),
    path(
        "<id:pk>/laporan/<year:year>/<month:month>/koreksi/",
        views.report_correct,
        name="report-correct",
    ),
    path("<id:pk>/mitra/tambah/", views.partner_link, name="partner-link"),
    path("<id:pk>/mitra/<id:link_pk>/selesai/", views.partnership_end, name="partnership-end"),
    path("mitra/", views.partner_list, name="partners"),
    path("mitra/<id:pk>/", views.partner_edit, name="partner-edit"),
    path("referensi/jenis-usaha/", views.business_type_list, name="business-types"),
    path("referensi/jenis-usaha/baru/", views.business_type_create, name="business-type-create"),
    path("referensi/jenis-usaha/<id:pk>/", views.business_type_edit, name="business-type-edit"),
    path("referensi/aturan/", views.rules_edit, name="rules"),
]
