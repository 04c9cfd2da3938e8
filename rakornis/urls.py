from django.urls import path

from rakornis import views

app_name = "rakornis"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("baru/", views.meeting_create, name="create"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/ubah/", views.meeting_edit, name="edit"),
    path("<int:pk>/ringkasan.pdf", views.summary_pdf, name="summary-pdf"),
    path("<int:pk>/sesi/baru/", views.session_create, name="session-create"),
    path("sesi/<int:pk>/ubah/", views.session_edit, name="session-edit"),
    path("sesi/<int:pk>/hapus/", views.session_delete, name="session-delete"),
    path("<int:pk>/dokumen/", views.document_upload, name="document-upload"),
    path("dokumen/<int:pk>/", views.document_download, name="document"),
    path("dokumen/<int:pk>/hapus/", views.document_delete, name="document-delete"),
    path("<int:pk>/peserta/", views.participant_list, name="participants"),
    path("<int:pk>/peserta/baru/", views.participant_create, name="participant-create"),
    path("<int:pk>/peserta/impor/", views.participant_import, name="participant-import"),
    path("peserta/templat.xlsx", views.participant_template, name="participant-template"),
    path("peserta/<int:pk>/ubah/", views.participant_edit, name="participant-edit"),
    path("peserta/<int:pk>/hapus/", views.participant_delete, name="participant-delete"),
    path("<int:pk>/kehadiran/", views.attendance_save, name="attendance-save"),
    path("<int:pk>/daftar-hadir.pdf", views.attendance_sheet, name="attendance-sheet"),
    path("<int:pk>/pintu/", views.door, name="door"),
    path("<int:pk>/pintu/hadir/", views.door_mark, name="door-mark"),
    path("<int:pk>/pintu/peserta-baru/", views.door_walk_in, name="door-walk-in"),
    path("<int:pk>/rekomendasi/baru/", views.recommendation_create, name="recommendation-create"),
    path("rekomendasi/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("rekomendasi/<int:pk>/ubah/", views.recommendation_edit, name="recommendation-edit"),
    path("tindak-lanjut/", views.follow_up_list, name="follow-ups"),
    path("tindak-lanjut/<int:pk>/", views.follow_up_detail, name="follow-up"),
    path("tindak-lanjut/<int:pk>/perbarui/", views.follow_up_update, name="follow-up-update"),
    path("bukti/<int:pk>/", views.evidence_download, name="evidence"),
]
