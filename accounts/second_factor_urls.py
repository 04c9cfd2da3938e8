from django.urls import path

from accounts import second_factor_views as views

app_name = "second_factor"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("daftar/", views.enrol, name="enrol"),
    path("kode-pemulihan/", views.recovery_codes, name="recovery-codes"),
]
