from django.urls import path

from pmks_portal import converters  # noqa: F401 - registers <id:>, <year:>, <month:>
from privacy import referral_views, register_views, retention_views, subject_views

app_name = "pdp"

urlpatterns = [
    path("permintaan/", subject_views.request_list, name="requests"),
    path("permintaan/baru/<id:person_pk>/", subject_views.request_create, name="request-create"),
    path("permintaan/<id:pk>/", subject_views.request_detail, name="request"),
    path("permintaan/<id:pk>/json/", subject_views.request_json, name="request-json"),
    path("permintaan/<id:pk>/pdf/", subject_views.request_pdf, name="request-pdf"),
    path("permintaan/<id:pk>/selesai/", subject_views.request_answer, name="request-answer"),
    path("permintaan/<id:pk>/koreksi/", subject_views.request_correct, name="request-correct"),
    path("pelanggaran/", register_views.breach_list, name="breaches"),
    path("pelanggaran/<id:pk>/", register_views.breach_detail, name="breach"),
    path("pelanggaran/<id:pk>/pemberitahuan/", register_views.breach_notify, name="breach-notify"),
    path("rujukan/<id:case_pk>/", referral_views.case_referrals, name="referrals"),
    path("retensi/", retention_views.retention_page, name="retention"),
    path("register/", register_views.register, name="register"),
    path("register/baru/", register_views.activity_edit, name="activity-create"),
    path("register/<id:pk>/", register_views.activity_edit, name="activity-edit"),
]
