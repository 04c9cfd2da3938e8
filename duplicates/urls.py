from django.urls import path

from duplicates import views
from pmks_portal import converters  # noqa: F401 - registers <id:>

app_name = "duplicates"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<id:pk>/", views.compare, name="compare"),
    path("<id:pk>/gabung/", views.merge, name="merge"),
    path("<id:pk>/bukan-duplikat/", views.dismiss, name="dismiss"),
]
