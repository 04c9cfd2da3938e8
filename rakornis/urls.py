from django.urls import path

from pmks_portal import converters  # noqa: F401 - registers <id:>, <year:>, <month:>
from rakornis import views

app_name = "rakornis"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("baru/", views.meeting_create, name="create"),
    path("<id:pk>/", views.meeting_detail, name="detail"),
    path("<id:pk>/ubah/", views.meeting_edit, name="edit"),
    path("<id:pk>/ringkasan.pdf", views.summary_pdf, name="summary-pdf"),
    path("<id:pk>/sesi/baru/", views.session_create, name="session-create"),
    path("sesi/<id:pk>/ubah/", views.session_edit, name="session-edit"),
    path("sesi/<id:pk>/hapus/", views.session_delete, name="session-delete"),
    path("<id:pk>/dokumen/", views.document_upload, name="document-upload"),
    path("dokumen/<id:pk>/", views.document_download, name="document"),
    path("dokumen/<id:pk>/hapus/", views.document_delete, name="document-delete"),
    path("<id:pk>/peserta/", views.participant_list, name="participants"),
    path("<id:pk>/peserta/baru/", views.participant_create, name="participant-create"),
    path("<id:pk>/peserta/impor/", views.participant_import, name="participant-import"),
    path("peserta/templat.xlsx", views.participant_template, name="participant-template"),
    path("peserta/<id:pk>/ubah/", views.participant_edit, name="participant-edit"),
    path("peserta/<id:pk>/hapus/", views.participant_delete, name="participant-delete"),
    path("<id:pk>/kehadiran/", views.attendance_save, name="attendance-save"),
    path("<id:pk>/daftar-hadir.pdf", views.attendance_sheet, name="attendance-sheet"),
    path("<id:pk>/pintu/", views.door, name="door"),
    path("<id:pk>/pintu/hadir/", views.door_mark, name="door-mark"),
    path("<id:pk>/pintu/peserta-baru/", views.door_walk_in, name="door-walk-in"),
    path("<id:pk>/rekomendasi/baru/", views.recommendation_create, name="recommendation-create"),
    path("rekomendasi/<id:pk>/", views.recommendation_detail, name="recommendation"),
    path("rekomendasi/<id:pk>/ubah/", views.recommendation_edit, name="recommendation-edit"),
    path("tindak-lanjut/", views.follow_up_list, name="follow-ups"),
    path("tindak-lanjut/<id:pk>/", views.follow_up_detail, name="follow-up"),
    path("tindak-lanjut/<id:pk>/perbarui/", views.follow_up_update, name="follow-up-update"),
    path("bukti/<id:pk>/", views.evidence_download, name="evidence"),
]
