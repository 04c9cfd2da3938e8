from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("akses/", views.access_log, name="access-log"),
]
